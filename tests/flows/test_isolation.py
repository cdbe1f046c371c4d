"""A source that cannot be read fails its own requests, with the reason; the others are published.
A source whose files vanished is refused, keeps its rows, and its request fails instead of turning
'unavailable'."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows.fulfil import fulfil

pytestmark = pytest.mark.usefixtures("prefect_server")  # one server per session (conftest.py)


def _run(project: Path, requests: list[str], **kw) -> dict:
    """The run's result; a failed request or source ends the run Failed, with the same result."""
    state = fulfil(reference_date="2025-12-31", specs=str(project / "specs"), landing=str(project / "landing"),
                   db=str(project / "w.duckdb"), outputs=str(project / "outputs"), key_file=str(project / "key"),
                   requests=requests, return_state=True, **kw)
    result = state.result(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result


def _findings(result: dict) -> pd.DataFrame:
    return pd.read_csv(Path(result["edition"]) / "findings.csv", dtype=str, keep_default_na=False)


def test_a_corrupt_workbook_fails_its_request_and_the_others_publish(project):
    book = next((project / "landing" / "unodc").glob("*.xlsx"))
    book.write_bytes(book.read_bytes()[:2000])  # truncated in transfer
    result = _run(project, ["40a-movements-iom", "40h-trafficking-victims"])
    assert result["failed"] == ["40h-trafficking-victims"]
    manifest = json.loads((Path(result["edition"]) / "manifest.json").read_text())
    assert manifest["requests"]["40a-movements-iom"]["published"]
    assert manifest["requests"]["40h-trafficking-victims"]["fulfilment"]["status"] == "failed"
    found = _findings(result).query("check == 'extract_readable'")
    assert found[["spec", "source_file", "severity"]].values.tolist() == [
        ["unodc-glotip", f"unodc/{book.name}", "error"]]
    assert found["message"].iloc[0] == (f"{book.name}: not a readable Excel workbook (ZipError: invalid Zip archive: "
                                        "Could not find EOCD); the file is truncated or damaged: deliver it again, "
                                        "saved from Excel as .xlsx")


def test_a_vanished_source_keeps_its_rows_and_fails_instead_of_turning_unavailable(project):
    first = _run(project, ["40f-covid-deaths"])
    assert first["failed"] == []
    shutil.rmtree(project / "landing" / "minsa")
    result = _run(project, ["40f-covid-deaths"])
    assert result["failed"] == ["40f-covid-deaths"]
    found = _findings(result).query("check == 'extract_readable'")
    assert found["message"].tolist() == [
        f"source minsa-covid-deaths: no file matches 'minsa/fallecidos_covid_*.csv' in {project / 'landing'}, which "
        "would remove 34,025 of its 34,025 loaded rows; nothing was changed. Restore the file(s), or confirm the "
        "removal with --allow-shrink"]
    with duckdb.connect(str(project / "w.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_minsa_covid_deaths").fetchone()[0] == 34025
    confirmed = _run(project, ["40f-covid-deaths"], allow_shrink=True)
    manifest = json.loads((Path(confirmed["edition"]) / "manifest.json").read_text())
    assert manifest["requests"]["40f-covid-deaths"]["fulfilment"]["status"] == "unavailable"
    shrank = _findings(confirmed).query("check == 'source_shrank'")
    assert shrank["severity"].tolist() == ["warning"] and "as confirmed with --allow-shrink" in shrank["message"].iloc[0]
