"""Indicator tables built in DuckDB: totals on every breakdown, zero-filled, crossings as asked."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from validators.checks import TableContext, validate_table
from validators.spec.model import QuarantineBudget
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source


def fixture_budget(source):
    """Fixtures plant several bad rows in a dozen: allow them (the default budget is 1%)."""
    return source.model_copy(update={"quarantine_budget": QuarantineBudget(share=0.5, reason="fixture with planted bad rows")})

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minsa" / "fallecidos_covid_2020-06.csv"


@pytest.fixture
def warehouse(tmp_path):
    cat = real_catalogue()
    (tmp_path / "minsa").mkdir()
    shutil.copy(FIXTURE, tmp_path / "minsa" / FIXTURE.name)
    con = connect(tmp_path / "w.duckdb")
    shown = cat.files[("sources", "minsa-covid-deaths")]
    load_source(con, fixture_budget(cat.sources["minsa-covid-deaths"]), tmp_path, cat.codelists, shown, cat.hashes[shown], "k")
    yield con, cat
    con.close()


def _table(con, cat, request):
    info = build_cube(con, request, cat.sources[request.source], cat.codelists, date(2020, 12, 31))
    return info, con.execute(f"SELECT * FROM {info.table}").df()


def test_full_cross_has_totals_zero_fill_and_adds_up(warehouse):
    con, cat = warehouse
    req = cat.requests["40f-covid-deaths"]
    info, df = _table(con, cat, req)
    # the last death is on 9 May: May is not complete, so it is not covered, only provisional (P)
    assert info.covered == ["2020-03", "2020-04"] and info.provisional == ["2020-05"]
    assert set(df.loc[df.time_period == "2020-05", "obs_status"]) == {"P"}
    assert set(df.loc[df.time_period != "2020-05", "obs_status"]) == {"A"}
    # every sex x age band (codelists incl. _T) for every month
    assert len(df) == 5 * (len(cat.codelists["age"].codes) + 1) * 3
    total = df[(df.sex == "_T") & (df.age == "_T")].set_index("time_period")["obs_value"].to_dict()
    assert total["2020-03"] == 4 and total["2020-04"] == 4  # the fixture's loaded deaths by month
    assert (df.obs_value == 0).sum() > 0  # zero-filled
    assert [f for f in validate_table(TableContext(req, cat.sources[req.source], cat.codelists,
                                                   info.expected, info.covered), df).all_findings
            if f.severity == "error"] == []


def test_cross_publishes_each_combination_with_its_totals_only(warehouse):
    con, cat = warehouse
    req = cat.requests["40f-covid-deaths"].model_copy(update={"cross": [["sex"], ["age"]]})
    _, df = _table(con, cat, req)
    assert not ((df.sex != "_T") & (df.age != "_T")).any()
    by_sex = df[(df.age == "_T") & (df.sex != "_T")].groupby("time_period")["obs_value"].sum()
    by_age = df[(df.sex == "_T") & (df.age != "_T")].groupby("time_period")["obs_value"].sum()
    assert by_sex.to_dict() == by_age.to_dict()


def test_a_source_with_no_extract_gives_an_empty_table(tmp_path):
    cat = real_catalogue()
    con = connect(tmp_path / "empty.duckdb")
    info, df = _table(con, cat, cat.requests["40f-covid-deaths"])
    assert info.rows == 0 and info.covered == [] and len(df) == 0
