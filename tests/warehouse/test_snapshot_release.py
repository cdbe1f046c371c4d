"""A snapshot source (MINSA's death register) is published from its newest release only: each
release is the whole register again, so older releases would count the same deaths twice or
count deaths since corrected."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source

ROOT = Path(__file__).resolve().parents[2]
CAT = real_catalogue()
SOURCE = CAT.sources["minsa-covid-deaths"]
HEADER = "UUID,FECHA_FALLECIMIENTO,EDAD_DECLARADA,SEXO,FECHA_NAC,DEPARTAMENTO,PROVINCIA,DISTRITO"


def release(rows: list[tuple[str, str]]) -> str:
    """(record id, death date) -> a release file's text."""
    return "\r\n".join([HEADER] + [f"{uid},{day},60,FEMENINO,,LIMA,LIMA,LIMA" for uid, day in rows]) + "\r\n"


@pytest.fixture(scope="module")
def cube(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snapshot")
    folder = tmp / "landing" / "minsa"
    folder.mkdir(parents=True)
    # the June release: 2 deaths in March; the July release corrects one away and adds 3 in April
    # (b's date, 31 May, was a typing error: had the old release counted, May would look covered)
    (folder / "fallecidos_covid_2020-06.csv").write_text(release([("a", "24/03/2020"), ("b", "31/05/2020")]))
    (folder / "fallecidos_covid_2020-07.csv").write_text(release(
        [("a", "24/03/2020"), ("c", "02/04/2020"), ("d", "03/04/2020"), ("e", "30/04/2020")]))
    con = connect(tmp / "w.duckdb")
    shown = CAT.files[("sources", SOURCE.id)]
    results = load_source(con, SOURCE, tmp / "landing", CAT.codelists, shown, CAT.hashes[shown], "k",
                          today=date(2020, 8, 1))
    assert [r.error for r in results] == [None, None]
    info = build_cube(con, CAT.requests["40f-covid-deaths"], SOURCE, CAT.codelists, date(2020, 5, 31))
    totals = dict(con.execute(f"SELECT time_period, obs_value FROM {info.table} "
                              "WHERE sex = '_T' AND age = '_T'").fetchall())
    yield info, totals
    con.close()


def test_snapshot_source_is_built_from_its_newest_release_not_the_oldest(cube):
    info, totals = cube
    assert info.files == ["minsa/fallecidos_covid_2020-07.csv"]
    assert totals == {"2020-03": 1, "2020-04": 3}


def test_snapshot_source_covers_the_periods_of_its_newest_release(cube):
    info, _ = cube
    assert info.covered == ["2020-03", "2020-04"] and info.data_until == date(2020, 4, 30)


def test_a_table_built_over_the_parquet_snapshot_equals_the_one_built_in_the_warehouse(cube, tmp_path):
    from warehouse.snapshot import build_from_snapshot, write_snapshot

    info, totals = cube
    db = tmp_path / "w.duckdb"
    con = connect(db)
    folder = tmp_path / "landing" / "minsa"
    folder.mkdir(parents=True)
    (folder / "fallecidos_covid_2020-06.csv").write_text(release([("a", "24/03/2020"), ("b", "31/05/2020")]))
    (folder / "fallecidos_covid_2020-07.csv").write_text(release(
        [("a", "24/03/2020"), ("c", "02/04/2020"), ("d", "03/04/2020"), ("e", "30/04/2020")]))
    shown = CAT.files[("sources", SOURCE.id)]
    load_source(con, SOURCE, tmp_path / "landing", CAT.codelists, shown, CAT.hashes[shown], "k", today=date(2020, 8, 1))
    con.close()
    write_snapshot(db, CAT, [SOURCE.id], tmp_path / "new" / "snap")
    (path,) = write_snapshot(db, CAT, [SOURCE.id], tmp_path / "new" / "snap")  # again: replaced, no error
    assert path == tmp_path / "new" / "snap" / "raw_minsa_covid_deaths.parquet" and path.is_file()
    built, df = build_from_snapshot(tmp_path / "new" / "snap", CAT, "40f-covid-deaths", date(2020, 5, 31))
    assert (built.covered, built.files) == (info.covered, info.files)
    grand = df[(df.sex == "_T") & (df.age == "_T")].set_index("time_period")["obs_value"].to_dict()
    assert grand == totals == {"2020-03": 1, "2020-04": 3}
