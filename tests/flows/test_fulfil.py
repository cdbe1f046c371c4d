"""The fulfil flow end to end with Prefect: real DuckDB file, real specs and extracts, real files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from flows.fulfil import SpecsInvalid, fulfil

TOTALS = Path(__file__).resolve().parents[1] / "fixtures" / "totals"


pytestmark = pytest.mark.usefixtures("prefect_server")  # one server per session (conftest.py)


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _with_test_counts(project: Path, extract: str) -> None:
    shutil.copy(TOTALS / "test-counts.yaml", project / "specs" / "sources")
    shutil.copy(TOTALS / "40x-test-counts.yaml", project / "specs" / "requests")
    (project / "landing" / "test").mkdir(exist_ok=True)
    shutil.copy(TOTALS / extract, project / "landing" / "test" / "counts.csv")


def _run_state(project: Path, edition: str, **kw):
    return fulfil(reference_date=edition, specs=str(project / "specs"), landing=str(project / "landing"),
                  db=str(project / "w.duckdb"), outputs=str(project / "outputs"),
                  key_file=str(project / "key"), return_state=True, **kw)


def _run(project: Path, edition: str, **kw):
    result = _run_state(project, edition, **kw).result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result


def test_real_sources_publish_an_edition_with_the_three_tables(project):
    result = _run(project, "2025-12-31", requests=["40a-movements-iom", "40f-covid-deaths", "40h-trafficking-victims"])
    edition = Path(result["edition"])
    manifest = json.loads((edition / "manifest.json").read_text())
    for rid in ("40a-movements-iom", "40f-covid-deaths", "40h-trafficking-victims"):
        assert manifest["requests"][rid]["published"], rid
        table = pd.read_csv(edition / "tables" / f"{rid}.csv", dtype=str)
        assert list(table.columns[:1]) == ["time_period"] and "obs_value" in table.columns
        assert (edition / "tables" / f"{rid}.parquet").exists()
    covid = manifest["requests"]["40f-covid-deaths"]["fulfilment"]
    assert covid["status"] == "partial" and "nationality" in covid["missing_breakdowns"]
    assert manifest["requests"]["40h-trafficking-victims"]["fulfilment"]["fallback_periods"] == ["2019", "2020", "2021"]
    assert {i["file"] for i in manifest["inputs"]} >= {"minsa/fallecidos_covid_2020-09.csv", "unodc/data_glotip_2023-05-30.xlsx"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    # microdata never leaves: no identifiers or birth dates in anything published
    published = " ".join(p.read_text(errors="ignore") for p in (edition / "tables").glob("*.csv"))
    assert "056f73432adaf077b06ab0f9453ce753" not in published


def test_a_table_that_breaks_additivity_is_not_published_and_earlier_editions_stay_intact(project):
    _with_test_counts(project, "counts_good.csv")
    good = Path(_run(project, "2025-12-31", requests=["40x-test-counts"])["edition"])
    assert (good / "tables" / "40x-test-counts.csv").exists()
    before = _tree_digest(good)

    _with_test_counts(project, "counts_broken.csv")
    state = _run_state(project, "2026-06-30", requests=["40x-test-counts"])
    assert state.is_failed()  # red in the UI, with the reason
    assert state.message == ("1 of 1 requests failed: 40x-test-counts "
                             "(see the statuses artifact and findings.csv)")
    result = state.result(raise_on_failure=False)
    assert result["failed"] == ["40x-test-counts"]
    broken = Path(result["edition"])
    assert not (broken / "tables" / "40x-test-counts.csv").exists()
    findings = pd.read_csv(broken / "findings.csv")
    row = findings[findings["check"] == "total_equals_parts"].iloc[0]
    assert row["severity"] == "error"
    assert row["message"] == ("total over sex is 20 but its parts add up to 17 "
                              "(time_period=2024, sex=_T)")
    assert _tree_digest(good) == before


def test_invalid_specs_publish_nothing_and_leave_the_edition_untouched(project):
    _with_test_counts(project, "counts_good.csv")
    edition = Path(_run(project, "2025-12-31", requests=["40x-test-counts"])["edition"])
    before = _tree_digest(edition)
    spec = project / "specs" / "requests" / "40x-test-counts.yaml"
    spec.write_text(spec.read_text().replace("breakdowns: [sex]", "breakdowns: [sexe]"))
    with pytest.raises(SpecsInvalid, match="'sexe' is not a known dimension; did you mean 'sex'"):
        _run(project, "2025-12-31", requests=["40x-test-counts"])
    assert _tree_digest(edition) == before
    assert not list((project / "outputs").glob(".staging-*"))
