"""The checks a built table is held to, as both engines receive them: the GX suite published beside
the table (every expectation's type, arguments and check) and the pandera checks of its schema.
Small real contexts from the catalogue: 40f-covid-deaths (counts by sex and age), 40g-remittances
(an amount, no breakdown)."""

from __future__ import annotations

import pandas as pd

from tests.catalogue import real_catalogue
from validators.checks import TableContext
from validators.checks.registry import CONF_STATUS, OBS_STATUS, Expect, expectations, pandera_checks

CAT = real_catalogue()


def context(request: str, periods: list[str], fallback: list[str] = ()) -> TableContext:
    req = CAT.requests[request]
    return TableContext(req, CAT.sources[req.source], CAT.codelists, periods, periods, list(fallback))


COUNTS = context("40f-covid-deaths", ["2020-03", "2020-04"], fallback=["2019-12"])
AMOUNT = context("40g-remittances", ["2020", "2021"])
TABLE = pd.DataFrame({"time_period": ["2020-03"], "obs_value": [1.0]})


def test_the_gx_suite_of_a_count_by_sex_and_age_holds_every_check_with_its_arguments():
    sex, age = COUNTS.codes("sex"), COUNTS.codes("age")
    assert "F" in sex and "_T" in age
    columns = ["time_period", "sex", "age", "obs_value", "unit_measure", "obs_status", "conf_status"]
    assert expectations(COUNTS, TABLE) == [
        *[Expect("expect_column_to_exist", {"column": c}, "column_present") for c in columns],
        Expect("expect_column_values_to_be_in_set", {"column": "sex", "value_set": sex}, "code_in_codelist"),
        Expect("expect_column_values_to_be_in_set", {"column": "age", "value_set": age}, "code_in_codelist"),
        Expect("expect_column_values_to_be_between", {"column": "obs_value", "min_value": 0}, "non_negative"),
        Expect("expect_column_values_to_match_regex", {"column": "obs_value_text", "regex": r"^-?\d+$"},
               "whole_number"),
        Expect("expect_column_values_to_be_in_set", {"column": "obs_status", "value_set": ["A", "E", "P", "M"]},
               "status_code"),
        Expect("expect_column_values_to_be_in_set", {"column": "conf_status", "value_set": ["F", "C"]},
               "status_code"),
        Expect("expect_column_values_to_not_be_null",
               {"column": "obs_value", "row_condition": 'conf_status=="F" and obs_status!="M"',
                "condition_parser": "pandas"}, "value_present"),
        Expect("expect_compound_columns_to_be_unique", {"column_list": ["time_period", "sex", "age"]}, "unique_key"),
        # the periods asked, and the fallback delivered instead of them
        Expect("expect_column_values_to_be_in_set", {"column": "time_period",
                                                      "value_set": ["2020-03", "2020-04", "2019-12"]},
               "period_in_range"),
        Expect("expect_column_distinct_values_to_contain_set", {"column": "time_period", "value_set": ["2019-12"]},
               "period_coverage"),
    ]
    assert (OBS_STATUS, CONF_STATUS) == (["A", "E", "P", "M"], ["F", "C"])


def test_an_amount_with_no_breakdown_is_keyed_by_period_alone_and_may_hold_cents():
    assert [(e.type, e.kwargs, e.check) for e in expectations(AMOUNT, TABLE) if e.check in
            ("unique_key", "whole_number", "code_in_codelist", "period_coverage")] == [
        ("expect_column_values_to_be_unique", {"column": "time_period"}, "unique_key"),
        ("expect_column_distinct_values_to_contain_set", {"column": "time_period", "value_set": []},
         "period_coverage"),
    ]
    assert [e.kwargs["column"] for e in expectations(AMOUNT, TABLE) if e.check == "column_present"] == [
        "time_period", "obs_value", "unit_measure", "obs_status", "conf_status"]


def test_the_schema_checks_of_a_count_name_their_column_and_check():
    assert [(column, check.name) for column, check in pandera_checks(COUNTS)] == [
        ("sex", "code_in_codelist"), ("age", "code_in_codelist"), ("obs_value", "non_negative"),
        ("obs_value", "whole_number"), ("obs_status", "status_code"), ("conf_status", "status_code"),
        (None, "value_present"), (None, "unique_key"), (None, "total_equals_parts"), ("time_period", "period_in_range")]
    assert "whole_number" not in [check.name for _, check in pandera_checks(AMOUNT)]


def test_the_schema_checks_accept_what_they_should_and_refuse_the_rest():
    checks = {(column, check.name): check for column, check in pandera_checks(COUNTS)}
    whole = checks[("obs_value", "whole_number")]
    # an empty cell is not a fraction (value_present says whether it may be empty)
    assert list(whole(pd.Series([1.0, 2.5, None, 0.0])).check_output) == [True, False, True]
    assert list(checks[("obs_value", "non_negative")](pd.Series([0.0, -1.0])).check_output) == [True, False]
    assert list(checks[("sex", "code_in_codelist")](pd.Series(["F", "X"])).check_output) == [True, False]
    assert list(checks[("obs_status", "status_code")](pd.Series(["M", "D"])).check_output) == [True, False]
    assert list(checks[("conf_status", "status_code")](pd.Series(["C", "D"])).check_output) == [True, False]
    assert list(checks[("time_period", "period_in_range")](pd.Series(["2019-12", "2019-11"])).check_output) == [
        True, False]
