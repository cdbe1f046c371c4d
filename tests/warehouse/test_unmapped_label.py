"""A source label that no recode covers is not guessed: the row is quarantined with its row number."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.catalogue import real_catalogue
from validators.spec.model import QuarantineBudget
from warehouse.db import connect
from warehouse.load import load_source


def fixture_budget(source):
    """Fixtures plant several bad rows in a dozen: allow them (the default budget is 1%)."""
    return source.model_copy(update={"quarantine_budget": QuarantineBudget(share=0.5, reason="fixture with planted bad rows")})

ROOT = Path(__file__).resolve().parents[2]
# SUNAFIL layout; row 3 (header = row 1) has MATERIA 'HOSTIGAMIENTO SEXUAL', which no recode covers.
FIXTURE = ROOT / "tests" / "fixtures" / "sunafil" / "denuncias_trabajadores_extranjeros_2024.csv"


def test_unmapped_label_is_quarantined_with_its_row_number(tmp_path):
    cat = real_catalogue()
    landing = tmp_path / "landing"
    (landing / "sunafil").mkdir(parents=True)
    shutil.copy(FIXTURE, landing / "sunafil" / FIXTURE.name)
    shown = cat.files[("sources", "sunafil-complaints")]
    con = connect(tmp_path / "w.duckdb")
    try:
        (result,) = load_source(con, fixture_budget(cat.sources["sunafil-complaints"]), landing, cat.codelists, shown,
                                cat.hashes[shown], "test-key")
        quarantined = con.execute('SELECT row_number, "column", value, rule, message FROM quarantine').fetchall()
        loaded = con.execute("SELECT _row, complaint_type, employer_type, nationality, occupation "
                             "FROM raw_sunafil_complaints ORDER BY _row").fetchall()
    finally:
        con.close()
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert quarantined == [(3, "MATERIA", "HOSTIGAMIENTO SEXUAL", "unknown_label",
                            ("'HOSTIGAMIENTO SEXUAL' in MATERIA is not mapped to a code of 'complaint_type'; "
                             "add it to the recode of MATERIA in specs/sources/sunafil-complaints.yaml"))]
    # the other rows are recoded, accents and Spanish country names included
    assert loaded == [(2, "WAG", "ENT", "VEN", "5"), (4, "FOR", "PEA", "HTI", "6")]
