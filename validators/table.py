"""Validate a built table with a pandera schema derived from its request spec; collect findings.

Every failure becomes one row of the findings table (spec, source file, row, column, check,
value, message, severity), whatever produced it: pandera here, quarantine at load, GX later.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from .checks import (REGISTRY, additivity_gaps, describe_missing, key_columns, missing_periods,
                     total_equals_parts, unique_key)
from .spec.model import Codelist, Request, Source

FINDING_COLUMNS = ["spec", "source_file", "row", "column", "check", "value", "message", "severity"]


@dataclass(frozen=True)
class TableContext:
    request: Request
    source: Source
    codelists: dict[str, Codelist]
    expected: list[str]   # periods the request asks for, at this reference date
    covered: list[str]    # periods the source covers
    fallback: list[str] = ()  # latest available periods delivered instead, if the spec allows

    @property
    def dims(self) -> list[str]:
        return [d for d, _ in self.request.delivered_dimensions()]

    def codes(self, dim: str) -> list[str]:
        codelist = self.codelists[dict(self.request.delivered_dimensions())[dim]]
        return sorted(codelist.code_set() | {codelist.total})

    def severity(self, check: str) -> str:
        if check == "total_equals_parts" and self.source.kind == "aggregate":
            return self.source.additivity
        return REGISTRY[check].severity


def schema_for(ctx: TableContext) -> pa.DataFrameSchema:
    """The pandera schema a request's table must satisfy."""
    count = ctx.request.measure.kind == "count"
    value_checks = [pa.Check.ge(0, name="non_negative")]
    # a count, or a published integer column, is whole; a `number` value column (e.g. US$) may not be
    value_col = ctx.source.column(ctx.source.value_column) if ctx.source.value_column else None
    if count or (ctx.source.kind == "aggregate" and value_col is not None and value_col.type == "integer"):
        value_checks.append(pa.Check(lambda s: s.dropna() % 1 == 0, element_wise=False, name="whole_number"))
    columns = {
        "time_period": pa.Column(str, pa.Check.isin(ctx.expected + list(ctx.fallback), name="period_in_range"), coerce=True),
        **{d: pa.Column(str, pa.Check.isin(ctx.codes(d), name="code_in_codelist"), coerce=True) for d in ctx.dims},
        "obs_value": pa.Column(float, value_checks, nullable=ctx.source.kind == "aggregate", coerce=True),
        "unit_measure": pa.Column(str, coerce=True),
        "obs_status": pa.Column(str, pa.Check.isin(["A", "E", "M"], name="status_code"), coerce=True),
        "conf_status": pa.Column(str, pa.Check.isin(["F", "C", "D"], name="status_code"), coerce=True),
    }
    return pa.DataFrameSchema(
        columns,
        checks=[pa.Check(unique_key(ctx.dims), name="unique_key"),
                pa.Check(total_equals_parts(ctx.dims), name="total_equals_parts")],
        strict=False,
    )


def _finding(ctx: TableContext, row, column, check, value, message) -> dict:
    return {"spec": ctx.request.id, "source_file": f"cube_{ctx.request.id}", "row": row, "column": column,
            "check": check, "value": None if value is None else str(value), "message": message,
            "severity": ctx.severity(check)}


def _from_pandera(ctx: TableContext, df: pd.DataFrame, err: SchemaErrors) -> list[dict]:
    out = []
    cases = err.failure_cases
    for check, group in cases.groupby("check", dropna=False):
        name = str(check).split("(")[0]
        if name == "total_equals_parts":
            for _, gap in additivity_gaps(df, ctx.dims).iterrows():
                out.append(_finding(ctx, int(gap["_idx"]) + 1, gap["column"], name, gap["value"], gap["detail"]))
        elif name == "unique_key":
            for idx in group["index"].dropna().unique():
                where = ", ".join(f"{c}={df.loc[idx, c]}" for c in key_columns(ctx.dims))
                out.append(_finding(ctx, int(idx) + 1, None, name, None,
                                    REGISTRY[name].message.format(detail=where)))
        elif name in REGISTRY:
            for _, case in group.iterrows():
                row = None if pd.isna(case["index"]) else int(case["index"]) + 1
                msg = REGISTRY[name].message.format(column=case["column"], value=case["failure_case"], detail="")
                out.append(_finding(ctx, row, case["column"], name, case["failure_case"], msg))
        else:  # a missing column or wrong dtype: pandera's own words
            for _, case in group.iterrows():
                out.append({**_finding(ctx, None, case["column"], "column_present", case["failure_case"],
                                       f"{case['column']}: {check} failed ({case['failure_case']})"),
                            "severity": "error"})
    return out


def validate_table(ctx: TableContext, df: pd.DataFrame) -> list[dict]:
    """All findings for one table: schema checks plus the period coverage of the request."""
    findings: list[dict] = []
    if len(df) == 0:
        return [_finding(ctx, None, "time_period", "period_coverage", None, describe_missing(ctx.expected))]
    try:
        schema_for(ctx).validate(df, lazy=True)
    except SchemaErrors as err:
        findings.extend(_from_pandera(ctx, df, err))
    missing = missing_periods(ctx.expected, sorted(df["time_period"].unique()))
    if missing:
        message = describe_missing(missing)
        if ctx.fallback:
            message += f"; the latest available instead: {', '.join(ctx.fallback)}"
        findings.append(_finding(ctx, None, "time_period", "period_coverage", ", ".join(missing[:6]), message))
    return findings


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def has_errors(findings: list[dict]) -> bool:
    return any(f["severity"] == "error" for f in findings)
