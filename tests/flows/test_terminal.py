"""What the office sees in its terminal: the summary fits 80 columns, solver banners are kept off
it, and each stage shows its progress."""

from __future__ import annotations

import json
import subprocess
import sys

from rich.console import Console

from flows import progress
from flows.cli import _print_summary

LONGEST = "40d-humanitarian-residence-grants"


def _manifest(tmp_path):
    requests = {rid: {"paragraph": paras, "fulfilment": {"status": status}, "rows": rows, "published": pub,
                      "errors": err, "warnings": warn}
                for rid, paras, status, rows, pub, err, warn in [
                    (LONGEST, ["40(d)"], "partial", 1_234_567, True, 0, 12),
                    ("40a-movements", ["40(a)", "40(b)", "41(c)", "43"], "unavailable", 0, False, 3, 0)]}
    edition = tmp_path / "2025-12-31"
    edition.mkdir()
    (edition / "manifest.json").write_text(json.dumps(
        {"edition": "2025-12-31", "requests": requests, "counts": {"published": 1, "failed": 1}}))
    return edition


def test_the_summary_table_is_readable_at_80_columns(tmp_path):
    console = Console(width=80, record=True, force_terminal=False)
    _print_summary(_manifest(tmp_path), console)
    title, *lines = console.export_text().splitlines()
    assert title == f"Edition 2025-12-31 -> {tmp_path / '2025-12-31'}"  # a path: printed whole, never cut
    assert max(len(line) for line in lines) <= 80
    row = next(line for line in lines if line.strip().startswith(LONGEST))  # the id is never cut or wrapped
    assert row.split() == [LONGEST, "40(d)", "partial", "1234567", "yes", "0", "12"]
    assert any("unavailable" in line and "NO" in line for line in lines)


def test_a_c_library_printing_on_descriptor_1_is_captured_not_shown():
    code = ("import os; from validators.quiet import captured_stdout\n"
            "with captured_stdout() as got:\n"
            "    os.write(1, b'Running HiGHS 1.16.0: Copyright (c) 2025 HiGHS under MIT licence terms\\n')\n"
            "print('after: ' + got.text.strip())\n")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown == "after: Running HiGHS 1.16.0: Copyright (c) 2025 HiGHS under MIT licence terms\n"


def test_the_disclosure_stage_shows_no_highs_banner():
    code = ("from validators.quiet import captured_stdout\n"
            "import highspy\n"
            "with captured_stdout() as got:\n"
            "    highspy.Highs()\n"
            "print('banner captured' if 'HiGHS' in got.text else 'no banner printed')\n")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown in ("banner captured\n", "no banner printed\n")


def test_each_stage_shows_its_progress_and_nothing_when_no_display_is_attached():
    silent = progress.begin("load sources", 2)
    silent.advance("iom-movements")  # no display: nothing happens, nothing fails
    silent.finish()
    console = Console(width=80, record=True, force_terminal=False)
    with progress.shown(console):
        loading = progress.begin("load sources", 2)
        loading.advance("iom-movements")
        loading.advance("minsa-covid-deaths")
        loading.finish()
        progress.begin("build + validate", 29).finish()
    text = console.export_text()
    assert "load sources" in text and "2/2" in text and "29/29" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_each_stage_reports_its_seconds_with_or_without_a_display_in_one_line_under_80_columns():
    import time

    stage = progress.begin("protect", 1)
    time.sleep(0.05)
    seconds = stage.finish()
    assert 0.05 <= seconds < 5
    line = progress.stage_times({"load": 1.04, "build + validate": 30.55, "protect": 24.96, "publish": 7.2,
                                 "total": 66.1})
    assert line == "seconds: load 1.0, build + validate 30.6, protect 25.0, publish 7.2; total 66.1"
    assert len(line) <= 80
