"""The period coverage finding, every field: an empty table lacks every period asked; a table lacking
some names them (the first six) and the fallback delivered instead; a complete table has none. And
the GX suite published beside a table (<request>.suite.json) names each expectation's type,
arguments and check."""

from __future__ import annotations

import dataclasses

import pandas as pd

from tests.catalogue import real_catalogue
from validators.checks import TableContext
from validators.checks.validate import coverage_finding, validate_table

CAT = real_catalogue()
REQ = CAT.requests["40f-covid-deaths"]
MONTHS = [f"2020-{m:02d}" for m in range(3, 11)]  # eight months asked
CTX = TableContext(REQ, CAT.sources[REQ.source], CAT.codelists, MONTHS, MONTHS)


def periods(*held: str) -> pd.DataFrame:
    return pd.DataFrame({"time_period": list(held), "obs_value": [1] * len(held)})


def fields(f) -> tuple:
    return (f.check, f.spec, f.severity.value, f.source_file, f.row, f.column, f.value, f.message)


def test_an_empty_table_lacks_every_period_asked():
    assert fields(coverage_finding(CTX, periods())) == (
        "period_coverage", "40f-covid-deaths", "warning", "cube_40f-covid-deaths", None, "time_period", None,
        "the source gives no data for 8 requested period(s): 2020-03, 2020-04, 2020-05, 2020-06, 2020-07, "
        "2020-08 and 2 more")


def test_a_table_lacking_periods_names_the_first_six_and_the_fallback_delivered():
    assert coverage_finding(CTX, periods(*MONTHS, "2020-03")) is None
    assert fields(coverage_finding(CTX, periods("2020-10", "2020-10"))) == (
        "period_coverage", "40f-covid-deaths", "warning", "cube_40f-covid-deaths", None, "time_period",
        "2020-03, 2020-04, 2020-05, 2020-06, 2020-07, 2020-08",
        "the source gives no data for 7 requested period(s): 2020-03, 2020-04, 2020-05, 2020-06, 2020-07, "
        "2020-08 and 1 more")
    fallback = dataclasses.replace(CTX, fallback=["2019-11", "2019-12"])
    assert coverage_finding(fallback, periods("2020-10")).message == (
        "the source gives no data for 7 requested period(s): 2020-03, 2020-04, 2020-05, 2020-06, 2020-07, "
        "2020-08 and 1 more; the latest available instead: 2019-11, 2019-12")


def test_the_published_gx_suite_names_each_expectations_type_arguments_and_check():
    cells = [("2020-03", s, "_T", v) for s, v in (("_T", 5.0), ("F", 2.0), ("M", 3.0))]
    table = pd.DataFrame(cells, columns=["time_period", "sex", "age", "obs_value"]).assign(
        unit_measure="PS", obs_status="A", conf_status="F")
    suite = validate_table(dataclasses.replace(CTX, expected=["2020-03"]), table).gx_suite
    assert suite[0] == {"type": "expect_column_to_exist", "kwargs": {"column": "time_period"},
                        "check": "column_present"}
    assert all(set(e) == {"type", "kwargs", "check"} for e in suite) and len(suite) > 10
