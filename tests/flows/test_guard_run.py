"""The three slips of issue 10 on a Migraciones-style extract (Latin-1, ';', dd/mm/yyyy; 20,000 rows)
each FAIL the run instead of publishing: a wrong encoding and a swapped date format are refused at
load (over the 1% quarantine budget) and fail the request; a format that is not strftime stops at lint."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from flows.fulfil import SpecsInvalid, fulfil
from warehouse.samples.movements import write_movements

SPEC = Path("specs") / "sources" / "migraciones-movements.yaml"
REQUEST = "40a-movements"


pytestmark = pytest.mark.usefixtures("prefect_server")  # one server per session (conftest.py)


def _run(project: Path, old: str = "", new: str = ""):
    write_movements(project / "landing" / "migraciones", 20_000, start_year=2024, end_year=2024)
    spec = project / SPEC
    spec.write_text(spec.read_text().replace(old, new))
    result = fulfil(reference_date="2025-12-31", specs=str(project / "specs"), landing=str(project / "landing"),
                    db=str(project / "w.duckdb"), outputs=str(project / "outputs"), key_file=str(project / "key"),
                    requests=[REQUEST], return_state=True).result(raise_on_failure=False)
    if isinstance(result, BaseException):  # a run that could not start (invalid specs) raises as before
        raise result
    return result


def test_the_right_spec_publishes(project):
    result = _run(project)
    assert result["failed"] == []
    assert (Path(result["edition"]) / "tables" / f"{REQUEST}.csv").exists()


@pytest.mark.parametrize("old, new, cause", [
    ("encoding: latin-1", "encoding: utf-8", "Causes: unreadable_row: 18,114 rows from row 2"),
    ('["%d/%m/%Y"]}', '["%m/%d/%Y"]}', "not_a_date in FECHA_MOVIMIENTO: 12,135 rows from row 750 (748 of the "
                                       "first 1,000 values match %m/%d/%Y; 1,000 match %d/%m/%Y)"),
])
def test_a_wrong_encoding_or_a_swapped_date_format_fails_the_request(project, old, new, cause):
    result = _run(project, old, new)
    assert result["failed"] == [REQUEST]
    edition = Path(result["edition"])
    assert not (edition / "tables" / f"{REQUEST}.csv").exists()
    manifest = json.loads((edition / "manifest.json").read_text())
    entry = manifest["requests"][REQUEST]
    assert (entry["published"], entry["fulfilment"]["status"]) == (False, "failed")
    findings = pd.read_csv(edition / "findings.csv")
    budget = findings[findings["check"] == "quarantine_budget"]
    assert len(budget) == 1 and budget.iloc[0]["severity"] == "error"  # one root cause, one message
    message = budget.iloc[0]["message"]
    assert message.startswith("migraciones/movimientos_migratorios_2024.csv: ")
    assert "over the budget of 1.0% for source 'migraciones-movements'; none of the file's rows is used" in message
    assert cause in message
    assert not (findings["check"] == "unreadable_row").any() and not (findings["check"] == "not_a_date").any()
    assert any(n.startswith("source not loaded: migraciones/") for n in entry["fulfilment"]["notes"])


def test_a_format_that_is_not_strftime_stops_the_run_at_lint(project):
    with pytest.raises(SpecsInvalid, match=r"columns\[1\]\.formats\[0\]: 'dd/mm/yyyy' is not a strftime format"):
        _run(project, '["%d/%m/%Y"]}', '["dd/mm/yyyy"]}')
    assert not (project / "outputs").exists() or not any((project / "outputs").glob("20*"))
