"""The fulfilment report: rebuilt from a published edition, read in a headless browser offline."""

from __future__ import annotations

import json
import re
import shutil
import zlib
from pathlib import Path

import pytest

from validators.review import write_reviewer_files
from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parents[3]
BROKEN = ROOT / "tests" / "fixtures" / "edition_broken" / "2025-12-31"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    write_reviewer_files(folder, load_catalogue(ROOT / "specs")[0], rerun=True)
    return folder


def test_reviewer_files_are_written(edition):
    for name in ("report.html", "annex.xlsx", "validation/index.html", "validation/40f-covid-deaths.json"):
        assert (edition / name).is_file(), name


def test_report_is_self_contained(edition):
    html = (edition / "report.html").read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no CDN, no remote asset
    assert "<script src" not in html


def test_gx_failure_appears_in_the_report(edition):
    html = (edition / "report.html").read_text()
    section = html.split('id="req-40f-covid-deaths"')[1].split("</section>")[0]
    assert '<tr data-check="gx:non_negative">' in section
    assert "expect_column_values_to_be_between: obs_value is -3.0: counts cannot be negative" in section
    assert "expect_column_values_to_be_in_set: &#39;X&#39; in sex is not a code of its codelist" in section


def test_quarantine_counts_per_source_file_check_and_column_and_no_rows(edition):
    html = (edition / "report.html").read_text()
    section = html.split('id="req-40a-movements-iom"')[1].split("</section>")[0]
    assert "Cuarentena en la carga</span></b> (iom-movements): 1 <span" in section
    assert ("<tr><td>iom/iom_peru_regular_entries_exits_by_nationality_monthly_2022_2025.csv</td>"
            "<td>unknown_label</td><td>nationality</td><td class=\"num\">1</td></tr>") in section
    assert "<code>loipr quarantine --source iom-movements</code>" in section
    assert 'class="examples"' not in section  # no row of the quarantine, ever


def test_every_quarantine_check_is_a_catalogued_kind():
    from validators.review.report import QUARANTINE_CHECKS
    from validators.spec.findings import KINDS

    assert set(QUARANTINE_CHECKS) <= set(KINDS)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: run `make browser` (apt-get install chromium)")
def test_report_in_headless_chromium_offline(edition, tmp_path):
    from playwright.sync_api import sync_playwright

    manifest = json.loads((edition / "manifest.json").read_text())
    remote = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
        context.route(re.compile(r"^(?!file:).*"), lambda route: (remote.append(route.request.url), route.abort()))
        page = context.new_page()
        page.goto((edition / "report.html").as_uri())
        counts = {s: int(page.locator(f'td[data-count="{s}"]').inner_text()) for s in manifest["counts"]}
        sections = page.locator("section[data-request]").evaluate_all("els => els.map(e => e.dataset.request)")
        assert page.locator("#req-40a-movements-iom h2").inner_text().startswith("40(a) – Regular entries")
        page.click("#lang")
        spanish = page.locator("#req-40a-movements-iom h2").inner_text()
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    assert counts == manifest["counts"] == {"delivered": 0, "partial": 2, "unavailable": 0, "failed": 1}
    assert sections == ["40a-movements-iom", "40f-covid-deaths", "40h-trafficking-victims"]
    assert spanish.startswith("40(a) – Entradas y salidas regulares")
    assert remote == []
    assert len(set(png_pixels(shot.read_bytes()))) > 20  # text and colours, not a blank page


def png_pixels(png: bytes) -> bytes:
    """The decompressed image data of a PNG (filter bytes included): enough to tell blank from not."""
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        if png[pos + 4:pos + 8] == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(data)


def _disclosure_line(tmp_path, disclosure: dict) -> str:
    """The English words of 40f-covid-deaths' disclosure line, its manifest entry replaced."""
    folder = tmp_path / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["requests"]["40f-covid-deaths"]["disclosure"] = disclosure
    (folder / "manifest.json").write_text(json.dumps(manifest))
    write_reviewer_files(folder, load_catalogue(ROOT / "specs")[0], rerun=True)
    html = (folder / "report.html").read_text(encoding="utf-8")
    (line,) = re.findall(r'<p class="disclosure">.*?</p>', html)
    return re.sub(r"<[^>]+>", "", re.sub(r'<span class="es">.*?</span>', "", line))


def test_each_table_states_its_disclosure_control_in_words(tmp_path):
    english = _disclosure_line(tmp_path, {
        "rule": "threshold", "threshold": 5, "protection_lower": 5.0, "protection_upper": 5.0, "cells": 560,
        "primary": 62, "secondary": 28, "withheld_share": 0.0034, "withheld_share_floor": 0.0029,
        "audit": {"confidential_cells_audited": 62, "passed": True}})
    assert english == ("Disclosure control: 90 of 560 cells withheld (C), 0.3% of the count (no pattern keeping "
                       "the promise could withhold less than 0.3%); audit: passed, no confidential cell of the "
                       "tables of minsa-covid-deaths (62) can be narrowed, using everything they publish, to less "
                       "than 5 below (or 0) and 5 above its value.")


def test_a_withheld_grand_total_is_named_with_its_reason_in_the_report(tmp_path):
    english = _disclosure_line(tmp_path, {
        "rule": "threshold", "threshold": 5, "protection_lower": 5.0, "protection_upper": 5.0, "cells": 560,
        "primary": 62, "secondary": 28, "withheld_share": 0.0034, "grand_totals_withheld": ["2020-03", "2021-01"],
        "periods_as_total_only": ["2020-04"],
        "audit": {"confidential_cells_audited": 62, "passed": True}})
    assert english.endswith("5 above its value. Published as their total alone (a breakdown could not be "
                            "protected): 2020-04. Grand total withheld for 2020-03, 2021-01: no pattern publishing "
                            "it passes the audit.")
