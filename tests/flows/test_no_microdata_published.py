"""No record-level data in any published file: a Migraciones extract with planted bad rows, run
end to end, leaves every quarantined value, raw line and document number in the warehouse only."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.fulfil import fulfil
from warehouse.samples.movements import write_movements


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_server):
    root = Path(__file__).resolve().parents[2]
    project = tmp_path_factory.mktemp("privacy")
    import shutil

    shutil.copytree(root / "specs", project / "specs")
    write_movements(project / "landing" / "migraciones", rows=20_000, seed=7, start_year=2024, end_year=2025,
                    bad_row_share=0.005)
    result = fulfil(reference_date="2025-12-31", specs=str(project / "specs"), landing=str(project / "landing"),
                    db=str(project / "w.duckdb"), outputs=str(project / "outputs"),
                    key_file=str(project / "key"), requests=["40a-movements"])
    return project, Path(result["edition"])


def _published_bytes(edition: Path) -> dict[str, bytes]:
    """Every file of the edition, zip containers (xlsx) opened, parquet read back as text."""
    out = {}
    for path in sorted(p for p in edition.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out[str(path)] = data
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for name in z.namelist():
                    out[f"{path}!{name}"] = z.read(name)
        if path.suffix == ".parquet":
            out[f"{path}!text"] = pd.read_parquet(path).to_csv().encode()
    return out


def test_no_quarantined_value_raw_line_or_document_number_in_any_published_file(run):
    project, edition = run
    with duckdb.connect(str(project / "w.duckdb"), read_only=True) as con:
        quarantined = con.execute("SELECT rule, value FROM quarantine WHERE source = 'migraciones-movements'").fetchall()
    birth_dates = {v for rule, v in quarantined if rule == "age_out_of_range"}
    raw_lines = {v.strip() for rule, v in quarantined if rule == "unreadable_row"}
    documents = {line.split(";")[-1] for line in raw_lines if re.fullmatch(r"[A-Z0-9]{6,12}", line.split(";")[-1])}
    assert len(birth_dates) >= 5 and len(raw_lines) >= 5 and len(documents) >= 3  # the plant took
    secrets = birth_dates | raw_lines | documents
    published = _published_bytes(edition)
    leaks = [(name, s) for name, data in published.items() for s in secrets
             if s.encode("utf-8") in data or s.encode("latin-1") in data]
    assert leaks == []


def test_findings_count_quarantined_rows_per_file_rule_and_column(run):
    project, edition = run
    findings = pd.read_csv(edition / "findings.csv", dtype=str, keep_default_na=False)
    mine = findings[findings["spec"] == "migraciones-movements"]
    assert (mine["row"] == "").all()  # no row number
    assert not mine.duplicated(["source_file", "check", "column"]).any()
    with duckdb.connect(str(project / "w.duckdb"), read_only=True) as con:
        total = con.execute("SELECT count(DISTINCT (file, row_number, \"column\", rule)) FROM quarantine "
                            "WHERE source = 'migraciones-movements'").fetchone()[0]
    assert mine["value"].astype(int).sum() == total
    age = mine[(mine["check"] == "age_out_of_range") & mine["source_file"].str.endswith("_2025.csv")].iloc[0]
    assert age["column"] == "FECHA_NACIMIENTO" or age["column"] == "age"
    n = int(age["value"])
    assert age["message"] == (f"{n:,} row{'s' if n != 1 else ''} quarantined in column {age['column']} (check: an age "
                              "(or a birth date) gives 0-130 years); the rows stay in the warehouse: "
                              "loipr quarantine --source migraciones-movements --rule age_out_of_range")


def test_stewards_read_the_rows_with_loipr_quarantine(run):
    from flows.cli import app

    project, _ = run
    result = CliRunner().invoke(app, ["quarantine", "--source", "migraciones-movements", "--rule", "unreadable_row",
                                      "--limit", "3", "--db", str(project / "w.duckdb")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("migraciones/")]
    assert len(lines) == 3
    assert re.fullmatch(r"migraciones/movimientos_migratorios_20\d\d\.csv:\d+\tunreadable_row\t-\t\d{12};.*;"
                        r"(PASAPORTE|DNI|CÉDULA|CPP);[A-Z0-9]+", lines[0])
