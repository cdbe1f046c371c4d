"""GX forms of the check registry, run over a published edition with a deliberately broken table."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.catalogue import real_catalogue
from validators.checks.registry import REGISTRY, expectations
from validators.review import open_edition
from validators.review.validation import replace_gx_findings, rerun_gx, write_validation

ROOT = Path(__file__).resolve().parents[3]
BROKEN = ROOT / "tests" / "fixtures" / "edition_broken" / "2025-12-31"
CATALOGUE = real_catalogue()


def validate_edition(folder: Path):
    edition = open_edition(folder, CATALOGUE)
    findings, results = rerun_gx(edition)
    write_validation(folder, edition.name, results)
    return [f.as_row() for f in findings], findings


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Path, list[dict], list]:
    folder = tmp_path_factory.mktemp("gx") / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    rows, findings = validate_edition(folder)
    return folder, rows, findings


def test_every_check_has_both_forms_or_says_why():
    for check in REGISTRY.values():
        assert check.pandera or check.not_in_pandera, check.name
        assert check.gx or check.not_in_gx, check.name


def test_suite_follows_the_spec():
    edition = open_edition(BROKEN, CATALOGUE)
    table = edition.table("40f-covid-deaths")
    expects = {(e.type, e.kwargs.get("column")): e for e in expectations(edition.context("40f-covid-deaths"), table)}
    assert expects[("expect_column_values_to_be_in_set", "sex")].kwargs["value_set"] == ["F", "M", "_O", "_T", "_U"]
    assert ("expect_column_to_exist", "nationality") not in expects  # unavailable: not asked of the table
    assert expects[("expect_column_values_to_be_between", "obs_value")].kwargs["min_value"] == 0
    assert expects[("expect_column_values_to_be_in_set", "time_period")].kwargs["value_set"][0] == "2020-03"


def test_broken_table_fails_with_its_values(validated):
    folder, findings, _ = validated
    result = json.loads((folder / "validation" / "40f-covid-deaths.json").read_text())
    failed = {r["expectation_config"]["type"]: r["result"] for r in result["results"] if not r["success"]}
    assert failed["expect_column_values_to_be_between"]["partial_unexpected_list"] == [-3.0]
    assert failed["expect_column_values_to_be_in_set"]["partial_unexpected_list"] == ["X"]
    ours = {(f["check"], f["column"]): f for f in findings}
    assert ours[("gx:non_negative", "obs_value")] == {
        "spec": "40f-covid-deaths", "source_file": "tables/40f-covid-deaths.csv", "row": 3, "column": "obs_value",
        "check": "gx:non_negative", "value": "-3.0", "severity": "error",
        "message": "expect_column_values_to_be_between: obs_value is -3.0: counts cannot be negative"}
    assert ours[("gx:code_in_codelist", "sex")]["message"] == \
        "expect_column_values_to_be_in_set: 'X' in sex is not a code of its codelist"
    assert ours[("gx:code_in_codelist", "sex")]["row"] == 6
    assert not [f for f in findings if f["spec"] == "40h-trafficking-victims"]  # the sound table passes


def test_offline_page_shows_the_failure(validated):
    folder, _, _ = validated
    page = (folder / "validation" / "index.html").read_text()
    assert "http://" not in page and "https://" not in page
    assert 'data-expectation="expect_column_values_to_be_between"' in page and "-3.0 (3)" in page


def test_findings_csv_gets_gx_rows_once(validated):
    folder, _, findings = validated
    before = len(pd.read_csv(folder / "findings.csv"))
    replace_gx_findings(folder, findings)
    replace_gx_findings(folder, findings)  # a rebuild replaces, never duplicates
    rows = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    assert len(rows) == before + len(findings)
    assert set(rows.loc[rows["check"].str.startswith("gx:"), "check"]) == {"gx:non_negative", "gx:code_in_codelist"}


def test_period_gap_inside_the_covered_range_is_reported(tmp_path):
    """A source that covers 2020-03..2020-08 by dates but whose table skips two months."""
    folder = tmp_path / "2025-12-31"
    shutil.copytree(BROKEN, folder)
    path = folder / "tables" / "40f-covid-deaths.csv"
    table = pd.read_csv(path, dtype=str)
    table[~table["time_period"].isin(["2020-04", "2020-05"])].to_csv(path, index=False)
    findings, _ = validate_edition(folder)
    gap = [f for f in findings if f["check"] == "gx:period_coverage"]
    assert gap == [{"spec": "40f-covid-deaths", "source_file": "tables/40f-covid-deaths.csv", "row": None,
                    "column": "time_period", "check": "gx:period_coverage", "value": "2020-04, 2020-05",
                    "severity": "warning", "message": "expect_column_distinct_values_to_contain_set: "
                    "the table lacks 2 period(s) the source covers: 2020-04, 2020-05"}]
