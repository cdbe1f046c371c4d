"""Ages computed from Migraciones' birth dates: the years a person has completed on the day of the
movement, an infant included, and each age in its band (a child of 17 is a child)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.catalogue import real_catalogue
from validators.spec.model import QuarantineBudget
from warehouse.cube import band_sql
from warehouse.db import Params, connect, run_bound
from warehouse.load import load_source

ROOT = Path(__file__).resolve().parents[2]
CAT = real_catalogue()
SOURCE = CAT.sources["migraciones-movements"]
HEADER = ("ID_MOVIMIENTO;FECHA_MOVIMIENTO;TIPO_MOVIMIENTO;PUESTO_CONTROL;SEXO;FECHA_NACIMIENTO;NACIONALIDAD;"
          "CALIDAD_MIGRATORIA;OCUPACION;TIPO_DOCUMENTO;NUMERO_DOCUMENTO")
# (movement id, movement date, birth date): the age each should get, or None when quarantined
MOVEMENTS = [
    ("1", "14/06/2020", "15/06/1990", 29),   # the day before the 30th birthday
    ("2", "15/06/2020", "15/06/1990", 30),   # on the birthday
    ("3", "02/01/2020", "01/01/2020", 0),    # an infant a day old
    ("4", "10/03/2020", "10/03/2020", 0),    # born the day of the movement
    ("5", "01/02/2020", "02/02/2002", 17),   # a child of 17, one day before 18
    ("6", "02/02/2020", "02/02/2002", 18),
    ("7", "05/05/2020", "", None),           # no birth date: unknown age, still loaded
    ("8", "05/05/2020", "06/05/2020", "q"),  # born after the movement: quarantined
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("ages")
    folder = tmp / "landing" / "migraciones"
    folder.mkdir(parents=True)
    lines = [HEADER] + [f"{mid};{moved};ENTRADA;DESAGUADERO - PUNO;FEMENINO;{born};BOLIVIA;TURISTA;;PASAPORTE;X{mid}"
                        for mid, moved, born, _ in MOVEMENTS]
    (folder / "movimientos_migratorios_2020.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    source = SOURCE.model_copy(update={"quarantine_budget": QuarantineBudget(share=0.5, reason="one planted bad row")})
    con = connect(tmp / "w.duckdb")
    shown = CAT.files[("sources", SOURCE.id)]
    (result,) = load_source(con, source, tmp / "landing", CAT.codelists, shown, CAT.hashes[shown], "k",
                            today=date(2021, 1, 1))
    assert result.error is None, result.error
    yield con
    con.close()


def ages(con) -> dict[int, int | None]:
    rows = con.execute("SELECT _row, age FROM raw_migraciones_movements").fetchall()
    return {row - 1: age for row, age in rows}  # data rows start at 2 (the header is row 1)


def test_age_is_the_years_completed_on_the_day_of_the_movement(loaded):
    got = ages(loaded)
    assert (got[1], got[2]) == (29, 30)
    assert (got[5], got[6]) == (17, 18)


def test_infants_of_age_zero_are_loaded_not_quarantined(loaded):
    got = ages(loaded)
    assert (got[3], got[4]) == (0, 0)
    assert loaded.execute("SELECT count(*) FROM quarantine WHERE row_number IN (4, 5)").fetchone()[0] == 0


def test_blank_birth_date_is_an_unknown_age_and_a_later_birth_date_is_quarantined(loaded):
    got = ages(loaded)
    assert 7 in got and got[7] is None
    assert 8 not in got
    rule, column, value = loaded.execute('SELECT rule, "column", value FROM quarantine').fetchone()
    assert (rule, column, value) == ("age_out_of_range", "FECHA_NACIMIENTO", "06/05/2020")


@pytest.mark.parametrize("age, band", [(0, "Y0T17"), (17, "Y0T17"), (18, "Y_GE18"), (95, "Y_GE18"),
                                       (None, "_U")])
def test_each_age_falls_in_its_band_children_0_to_17(age, band):
    p = Params()
    sql = band_sql("age", CAT.codelists["age_child_adult"], p.bind)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT CAST(? AS INTEGER) AS age", [age])
    assert run_bound(con, f"SELECT {sql} FROM t", p.values).fetchone()[0] == band


@pytest.mark.parametrize("frequency, label", [("year", "2020"), ("quarter", "2020-Q2"), ("month", "2020-05")])
def test_a_date_falls_in_its_year_quarter_or_month(frequency, label):
    from warehouse.cube import period_sql

    con = duckdb.connect()
    assert con.execute(f"SELECT {period_sql('d', frequency)} FROM (SELECT DATE '2020-05-03' AS d)").fetchone()[0] == label
