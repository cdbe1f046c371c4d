"""The pandera schema of a built table, from the check registry; its failures as findings."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from validators.spec.findings import Finding, finding

from .additivity import additivity_gaps, key_columns
from .context import TableContext
from .registry import REGISTRY, columns_of, pandera_checks


def schema_for(ctx: TableContext) -> pa.DataFrameSchema:
    """The pandera schema a request's table must satisfy: every column required, typed, checked."""
    checks = pandera_checks(ctx)
    types = {"obs_value": float}
    columns = {c: pa.Column(types.get(c, str), [chk for col, chk in checks if col == c], coerce=True,
                            nullable=c == "obs_value" and ctx.source.kind == "aggregate")
               for c in columns_of(ctx)}
    return pa.DataFrameSchema(columns, checks=[chk for col, chk in checks if col is None], strict=False)


def _table_finding(ctx: TableContext, check: str, row=None, column=None, value=None, **fields) -> Finding:
    return finding(check, ctx.request.id, source_file=f"cube_{ctx.request.id}", row=row, column=column,
                   value=value, severity=ctx.severity(check), **fields)


def registry_name(schema: pa.DataFrameSchema, case: pd.Series) -> str:
    """The registry's name of the check that failed: pandera reports its built-in checks (isin, ge)
    by their own words, not by the name we gave them."""
    number = case["check_number"]
    if not pd.isna(number):
        if case["schema_context"] == "Column" and case["column"] in schema.columns:
            return schema.columns[case["column"]].checks[int(number)].name
        if case["schema_context"] == "DataFrameSchema":
            return schema.checks[int(number)].name
    return str(case["check"]).split("(")[0]


def findings_from_pandera(ctx: TableContext, df: pd.DataFrame, err: SchemaErrors) -> list[Finding]:
    out = []
    schema = schema_for(ctx)
    cases = err.failure_cases.assign(_name=[registry_name(schema, c) for _, c in err.failure_cases.iterrows()])
    for (name, check), group in cases.groupby(["_name", "check"], dropna=False):
        if name == "total_equals_parts":
            if not set(key_columns(ctx.dims)) <= set(df.columns):
                continue  # a table missing a key column cannot be summed: its column_present finding says why
            for _, gap in additivity_gaps(df, ctx.dims).iterrows():
                out.append(_table_finding(ctx, name, int(gap["_idx"]) + 1, gap["column"], gap["value"],
                                          detail=gap["detail"]))
        elif name == "unique_key":
            for idx in group["index"].dropna().unique():
                where = ", ".join(f"{c}={df.loc[idx, c]}" for c in key_columns(ctx.dims))
                out.append(_table_finding(ctx, name, int(idx) + 1, detail=where))
        elif name == "value_present":
            for idx in group["index"].dropna().unique():
                out.append(_table_finding(ctx, name, int(idx) + 1, "obs_value"))
        elif name in REGISTRY:
            for _, case in group.iterrows():
                row = None if pd.isna(case["index"]) else int(case["index"]) + 1
                out.append(_table_finding(ctx, name, row, case["column"], case["failure_case"]))
        elif check == "column_in_dataframe":  # pandera names the missing column as the failure case
            for _, case in group.iterrows():
                out.append(_table_finding(ctx, "column_present", None, case["failure_case"]))
        else:  # a wrong dtype: pandera's own words
            for _, case in group.iterrows():
                out.append(_table_finding(ctx, "column_present", None, case["column"], case["failure_case"],
                                          message=f"{case['column']}: {check} failed ({case['failure_case']})"))
    return out


def pandera_findings(ctx: TableContext, df: pd.DataFrame) -> list[Finding]:
    try:
        schema_for(ctx).validate(df, lazy=True)
    except SchemaErrors as err:
        return findings_from_pandera(ctx, df, err)
    return []
