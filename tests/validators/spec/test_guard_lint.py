"""Lint catches a steward's slip before any load: strftime syntax, age labels outside their code's
range, one message per root cause, and (extract present) headers and date formats of the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from validators.spec.extracts import extract_problems
from validators.spec.lint import load_catalogue
from warehouse.samples.movements import write_movements

ROOT = Path(__file__).resolve().parents[3]
MOVEMENTS = "specs/sources/migraciones-movements.yaml"


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("landing")
    write_movements(folder / "migraciones", 20_000, start_year=2024, end_year=2024)
    return folder


def _specs(tmp_path: Path, old: str = "", new: str = "", file: str = MOVEMENTS) -> Path:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    path = tmp_path / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return tmp_path / "specs"


def test_a_format_that_is_not_strftime_is_an_error_with_its_fix(tmp_path):
    _, problems = load_catalogue(_specs(tmp_path, '["%d/%m/%Y"]}', '["dd/mm/yyyy"]}'))
    assert [str(p) for p in problems] == [
        "specs/sources/migraciones-movements.yaml:30:75 columns[1].formats[0]: 'dd/mm/yyyy' is not a strftime "
        "format (directives start with %, e.g. '%d/%m/%Y'); did you mean '%d/%m/%Y'?"]


def test_an_age_label_outside_the_range_of_its_code_is_an_error(tmp_path):
    specs = _specs(tmp_path, '"EF_DE 30 A 59 AÑOS": Y_GE18', '"EF_DE 30 A 59 AÑOS": Y0T17',
                   "specs/sources/mininter-trafficking.yaml")
    _, problems = load_catalogue(specs)
    assert [str(p) for p in problems] == [
        "specs/sources/mininter-trafficking.yaml:155:29 columns[8].recode.EF_DE 30 A 59 AÑOS: 'EF_DE 30 A 59 AÑOS' "
        "speaks of ages 30-59, outside Y0T17 (0-17) of 'age_child_adult'; did you mean 'Y_GE18'?"]


def test_open_and_below_labels_are_read_as_ranges():
    from validators.spec.labelranges import label_ages
    assert label_ages("EF_DE 60 A MAS") == (60, None)
    assert label_ages("MENOR DE 18 AÑOS") == (0, 17)
    assert label_ages("F1_TOTAL") is None  # a slice prefix is not an age


def test_a_typo_in_a_breakdown_gives_one_message_not_a_second_in_cross(tmp_path):
    specs = _specs(tmp_path, "  - sex\n", "  - sexx\n", "specs/requests/40a-movements.yaml")
    assert "cross:\n  - [direction, nationality, sex]" in (specs / "requests" / "40a-movements.yaml").read_text()
    _, problems = load_catalogue(specs)
    assert [p.message for p in problems] == ["'sexx' is not a known dimension; did you mean 'sex'?"]


def test_a_header_not_renamed_is_found_by_lint_with_line_and_did_you_mean(tmp_path, landing):
    cat, problems = load_catalogue(_specs(tmp_path, "{source: FECHA_MOVIMIENTO,", "{source: FECHA_MOV,"))
    assert problems == []
    assert [str(p) for p in extract_problems(cat, landing)] == [
        "specs/sources/migraciones-movements.yaml:30:14 columns[1].source: 'FECHA_MOV' is not a header of "
        "migraciones/movimientos_migratorios_2024.csv; did you mean 'FECHA_MOVIMIENTO'?"]


def test_a_swapped_date_format_is_found_on_the_first_rows(tmp_path, landing):
    cat, _ = load_catalogue(_specs(tmp_path, '["%d/%m/%Y"]}', '["%m/%d/%Y"]}'))
    assert [str(p) for p in extract_problems(cat, landing)] == [
        "specs/sources/migraciones-movements.yaml:30:74 columns[1].formats: migraciones/movimientos_migratorios_2024.csv: "
        "748 of the first 1,000 values match %m/%d/%Y; 1,000 match %d/%m/%Y"]


def test_the_real_extracts_agree_with_their_specs():
    cat = real_catalogue()
    assert extract_problems(cat, ROOT / "warehouse" / "landing") == []
