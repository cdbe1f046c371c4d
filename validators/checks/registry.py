"""The registry of table checks: each check declared once, with its pandera and GX forms.

A check's name is a kind of the findings catalogue (validators/spec/findings.py: severity and
message template). Its entry here says how it runs: `pandera` gives (column, pandera Check) pairs
(column None: a dataframe-level check), `gx` gives Great Expectations expectations. A check one
engine cannot express says why in `not_in_pandera` / `not_in_gx` (a test holds every entry to
one form or a reason), so that neither copy can be forgotten. Both forms run before the decision
to publish. Period coverage is also reported from the table as a whole (checks/validate.py).

A new check: a kind in the findings catalogue, a function here, one `Check(...)` line below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import pandera.pandas as pa

from validators.spec.findings import KINDS

from .additivity import key_columns, total_equals_parts, unique_key, value_present
from .context import TableContext

CONTRACT = ["time_period", "obs_value", "unit_measure", "obs_status", "conf_status"]
OBS_STATUS = ["A", "E", "P", "M"]
CONF_STATUS = ["F", "C"]  # contract v2: one flag for every withheld cell (D is internal)


@dataclass(frozen=True)
class Expect:
    """One expectation, before GX is imported: its type, kwargs and the check it belongs to."""
    type: str
    kwargs: dict
    check: str


PanderaForm = Callable[[TableContext], list[tuple[str | None, pa.Check]]]
GxForm = Callable[[TableContext, pd.DataFrame], list[Expect]]


@dataclass(frozen=True)
class Check:
    name: str
    pandera: PanderaForm | None = None
    gx: GxForm | None = None
    not_in_pandera: str = ""
    not_in_gx: str = ""


def columns_of(ctx: TableContext) -> list[str]:
    return [CONTRACT[0], *ctx.dims, *CONTRACT[1:]]


# ------------------------------------------------------------------ the forms, check by check
def _present_gx(ctx, table):
    return [Expect("expect_column_to_exist", {"column": c}, "column_present") for c in columns_of(ctx)]


def _codes_pa(ctx):
    return [(d, pa.Check.isin(ctx.codes(d), name="code_in_codelist")) for d in ctx.dims]


def _codes_gx(ctx, table):
    return [Expect("expect_column_values_to_be_in_set", {"column": d, "value_set": ctx.codes(d)}, "code_in_codelist")
            for d in ctx.dims]


def _non_negative_pa(ctx):
    return [("obs_value", pa.Check.ge(0, name="non_negative"))]


def _non_negative_gx(ctx, table):
    return [Expect("expect_column_values_to_be_between", {"column": "obs_value", "min_value": 0}, "non_negative")]


def _whole_pa(ctx):
    if not ctx.whole_counts:
        return []
    return [("obs_value", pa.Check(lambda s: s.dropna() % 1 == 0, element_wise=False, name="whole_number"))]


def _whole_gx(ctx, table):
    # GX matches the value as written (obs_value_text, see checks/gx.py), without a float's '.0'
    return ([Expect("expect_column_values_to_match_regex", {"column": "obs_value_text", "regex": r"^-?\d+$"},
                    "whole_number")] if ctx.whole_counts else [])


def _status_pa(ctx):
    return [("obs_status", pa.Check.isin(OBS_STATUS, name="status_code")),
            ("conf_status", pa.Check.isin(CONF_STATUS, name="status_code"))]


def _status_gx(ctx, table):
    return [Expect("expect_column_values_to_be_in_set", {"column": "obs_status", "value_set": OBS_STATUS}, "status_code"),
            Expect("expect_column_values_to_be_in_set", {"column": "conf_status", "value_set": CONF_STATUS}, "status_code")]


def _value_pa(ctx):
    return [(None, pa.Check(value_present, name="value_present"))]


def _value_gx(ctx, table):
    return [Expect("expect_column_values_to_not_be_null", {"column": "obs_value", "row_condition": 'conf_status=="F" and obs_status!="M"',
                                                           "condition_parser": "pandas"}, "value_present")]


def _unique_pa(ctx):
    return [(None, pa.Check(unique_key(ctx.dims), name="unique_key"))]


def _unique_gx(ctx, table):
    # GX refuses a compound key of one column: a table with no breakdowns is keyed by period alone
    if ctx.dims:
        return [Expect("expect_compound_columns_to_be_unique", {"column_list": key_columns(ctx.dims)}, "unique_key")]
    return [Expect("expect_column_values_to_be_unique", {"column": "time_period"}, "unique_key")]


def _additive_pa(ctx):
    return [(None, pa.Check(total_equals_parts(ctx.dims), name="total_equals_parts"))]


def _in_range_pa(ctx):
    return [("time_period", pa.Check.isin(ctx.allowed_periods, name="period_in_range"))]


def _in_range_gx(ctx, table):
    return [Expect("expect_column_values_to_be_in_set", {"column": "time_period", "value_set": ctx.allowed_periods},
                   "period_in_range")]


def _coverage_gx(ctx, table):
    return [Expect("expect_column_distinct_values_to_contain_set",
                   {"column": "time_period", "value_set": ctx.periods_to_hold(table)}, "period_coverage")]


REGISTRY: dict[str, Check] = {c.name: c for c in [
    Check("column_present", gx=_present_gx, not_in_pandera="the schema requires every column (checks/schema.py)"),
    Check("code_in_codelist", _codes_pa, _codes_gx),
    Check("non_negative", _non_negative_pa, _non_negative_gx),
    Check("whole_number", _whole_pa, _whole_gx),
    Check("status_code", _status_pa, _status_gx),
    Check("value_present", _value_pa, _value_gx),
    Check("unique_key", _unique_pa, _unique_gx),
    Check("total_equals_parts", _additive_pa, not_in_gx="GX compares no row with a sum of other rows"),
    Check("period_in_range", _in_range_pa, _in_range_gx),
    Check("period_coverage", gx=_coverage_gx,
          not_in_pandera="the periods a table lacks are listed from the table as a whole (checks/validate.py)"),
]}

assert set(REGISTRY) <= set(KINDS), "every check is a kind of the findings catalogue"


def pandera_checks(ctx: TableContext) -> list[tuple[str | None, pa.Check]]:
    return [pair for check in REGISTRY.values() if check.pandera for pair in check.pandera(ctx)]


def expectations(ctx: TableContext, table: pd.DataFrame) -> list[Expect]:
    return [e for check in REGISTRY.values() if check.gx for e in check.gx(ctx, table)]
