"""Quarantine findings are counts per (source, file, rule, column): no row, value or line is published."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from warehouse.db import opened
from warehouse.pipeline import quarantine_findings, quarantine_rows

ROOT = Path(__file__).resolve().parents[2]
FILE = "migraciones/movimientos_migratorios_2006.csv"
IOM = "iom/iom_peru_regular_entries_exits_by_nationality_monthly_2022_2025.csv"


@pytest.fixture(scope="module")
def catalogue():
    return real_catalogue()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    rows = [("migraciones-movements", FILE, 5059, "FECHA_NACIMIENTO", "13/11/2015", "age_out_of_range", "x"),
            ("migraciones-movements", FILE, 6001, "FECHA_NACIMIENTO", "02/01/2016", "age_out_of_range", "x"),
            # a spec typing the document number as an integer: passport numbers would be the values
            *[("migraciones-movements", FILE, 100 + i, "NUMERO_DOCUMENTO", f"C8348{i:04d}", "not_an_integer", "x")
              for i in range(7)],
            ("migraciones-movements", FILE, 77, None, "2006000076;SALIDA;PASAPORTE;C83485848", "unreadable_row", "x"),
            ("iom-movements", IOM, 17, "nationality", "ZZZ", "unknown_label", "x"),
            ("iom-movements", IOM, 18, "nationality", "ZZZ", "unknown_label", "x")]
    with opened(path) as con:
        con.executemany("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return path


def test_one_finding_per_file_rule_and_column_with_the_count_and_no_row_or_value(db, catalogue):
    found = quarantine_findings(db, catalogue, ["migraciones-movements", "iom-movements"])
    got = [(f.spec, f.source_file, f.check, f.column, f.row, f.value) for f in found]
    assert got == [("iom-movements", IOM, "unknown_label", "nationality", None, "2"),
                   ("migraciones-movements", FILE, "age_out_of_range", "FECHA_NACIMIENTO", None, "2"),
                   ("migraciones-movements", FILE, "not_an_integer", "NUMERO_DOCUMENTO", None, "7"),
                   ("migraciones-movements", FILE, "unreadable_row", None, None, "1")]
    text = " ".join(f"{f.message} {f.value}" for f in found)
    for secret in ("13/11/2015", "02/01/2016", "C8348", "2006000076", "5059"):
        assert secret not in text
    assert found[2].message == ("7 rows quarantined in column NUMERO_DOCUMENTO (check: an integer column holds a whole "
                                "number); the rows stay in the warehouse: loipr quarantine --source "
                                "migraciones-movements --rule not_an_integer")


def test_an_aggregate_sources_unmapped_labels_are_named(db, catalogue):
    iom = quarantine_findings(db, catalogue, ["iom-movements"])[0]
    assert iom.message.endswith("; labels not mapped: 'ZZZ' (add them to the recode of nationality)")


def test_stewards_read_rows_filtered_by_rule_and_limited(db):
    rows = quarantine_rows(db, "migraciones-movements", "not_an_integer", limit=3)
    assert rows["row_number"].tolist() == [100, 101, 102]
    assert rows["value"].tolist() == ["C83480000", "C83480001", "C83480002"]
    assert len(quarantine_rows(db, "migraciones-movements")) == 10
