"""Cells of an aggregate source given by more than one row: found, resolved by the rule the source
spec declares (`duplicates:`), and always reported, never silently summed.

An aggregate source declares `cell_key`: the canonical columns that, with its period column, identify
one published cell. Rows that share a key are resolved over the rows a request reads (its filters):

- error: nothing is dropped; the request fails with an error finding naming the rows;
- first: the first row (file order) is kept;
- drop_exact: rows that repeat an earlier row exactly are dropped; rows that differ are errors;
- sum: all rows are added up (the file splits a cell over rows it does not label);
- keep_figure: a cell printed both suppressed ('<5') and as one figure keeps the figure; others are errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from validators.spec.findings import Finding, finding
from validators.spec.model import Source

from .db import quote, raw_table, run_bound

RESOLVED = {
    "first": "kept the first row of each cell",
    "drop_exact": "dropped the rows that repeat an earlier row exactly",
    "sum": "added the rows of each cell up",
    "keep_figure": "kept the figure and dropped the suppressed row",
}


def key_columns(source: Source) -> list[str]:
    keys = [source.period_column] + [k for k in source.cell_key if k != source.period_column]
    return keys + (["_file"] if source.mode == "snapshot" else [])


def _exact_columns(source: Source) -> list[str]:
    cols = [c.name for c in source.published_columns]
    return cols + [c.name + "_flag" for c in source.published_columns if c.suppressed]


def _keep(source: Source) -> str:
    rule = source.duplicates
    value = quote(source.value_column) if source.value_column else "NULL"
    return {
        "first": "_rn = 1",
        "drop_exact": "_exact_rn = 1",
        "keep_figure": f"_n = 1 OR _figures <> 1 OR {value} IS NOT NULL",
    }.get(rule, "TRUE")


def ranked_sql(source: Source, where: list[str]) -> str:
    """The source's rows in scope, each with its cell's row count and its rank (file order)."""
    keys = ", ".join(quote(k) for k in key_columns(source))
    exact = ", ".join(quote(c) for c in _exact_columns(source) + (["_file"] if source.mode == "snapshot" else []))
    value = quote(source.value_column) if source.value_column else "NULL"
    cond = f" WHERE {' AND '.join(where)}" if where else ""
    return (f"SELECT *, count(*) OVER k AS _n, row_number() OVER (k ORDER BY _file, _row) AS _rn, "
            f"row_number() OVER (PARTITION BY {exact} ORDER BY _file, _row) AS _exact_rn, "
            f"count({value}) OVER k AS _figures "
            f"FROM {raw_table(source.id)}{cond} WINDOW k AS (PARTITION BY {keys})")


def resolved_sql(source: Source, where: list[str]) -> str:
    """A subquery to read instead of the raw table: the rows in scope after the declared rule."""
    if not source.cell_key:
        cond = f" WHERE {' AND '.join(where)}" if where else ""
        return f"(SELECT * FROM {raw_table(source.id)}{cond})"
    return (f"(SELECT * EXCLUDE (_n, _rn, _exact_rn, _figures) FROM ({ranked_sql(source, where)}) "
            f"WHERE {_keep(source)})")


@dataclass(frozen=True)
class Duplicates:
    file: str
    cells: int          # cells given by more than one row
    rows: int           # rows beyond the first of each such cell
    dropped: int        # rows the rule dropped
    unresolved: int     # cells the rule could not resolve
    example: str        # one cell: its key and rows


def _unresolved_sql(source: Source) -> str:
    """Per cell: does the rule leave it with more than one row it cannot justify?"""
    rule = source.duplicates
    if rule == "error":
        return "true"
    if rule == "drop_exact":
        return "count(*) FILTER (WHERE _exact_rn = 1) > 1"
    if rule == "keep_figure":
        return "count(*) FILTER (WHERE _keeps) <> 1"
    return "false"


def find_duplicates(con: duckdb.DuckDBPyConnection, source: Source, where: list[str],
                    params: dict[str, object]) -> list[Duplicates]:
    if not source.cell_key:
        return []
    keys = key_columns(source)
    shown = [k for k in keys if k != "_file"]
    value = quote(source.value_column) if source.value_column else "NULL"
    label = " || ', ' || ".join(f"'{k}=' || coalesce(CAST({quote(k)} AS VARCHAR), '')" for k in shown)
    sql = f"""WITH r AS (SELECT *, ({_keep(source)}) AS _keeps FROM ({ranked_sql(source, where)}) WHERE _n > 1),
        cells AS (SELECT min(_file) AS f, count(*) - 1 AS extra, count(*) FILTER (WHERE NOT _keeps) AS dropped,
                         ({_unresolved_sql(source)}) AS bad, any_value({label}) AS key,
                         string_agg(CAST(_row AS VARCHAR) || coalesce(' (' || CAST({value} AS VARCHAR) || ')', ' (suppressed)'),
                                    ', ' ORDER BY _row) AS rows_
                  FROM r GROUP BY {', '.join(quote(k) for k in keys)})
        SELECT f, count(*), sum(extra), sum(dropped), count(*) FILTER (WHERE bad),
               arg_min(key || ' at rows ' || rows_, NOT bad)
        FROM cells GROUP BY f ORDER BY f"""
    return [Duplicates(f, int(n), int(extra), int(dropped), int(bad), example)
            for f, n, extra, dropped, bad, example in run_bound(con, sql, params).fetchall()]


def duplicate_findings(request: str, source: Source, spec_file: str, found: list[Duplicates]) -> list[Finding]:
    """One finding per file: resolved (warning) or not (error, the request fails)."""
    out = []
    cells = "(" + ", ".join(key_columns(source)[:1] + source.cell_key) + ")"
    for d in found:
        head = (f"{d.file}: {d.cells} cell(s) {cells} are given by more than one row "
                f"({d.rows} repeated row(s)), e.g. {d.example}")
        if d.unresolved:
            text = (f"{head}; {d.unresolved} cell(s) are not resolved by `duplicates: {source.duplicates}`. "
                    f"Ask the publisher which row is right, or declare the rule that fits in {spec_file} "
                    f"(duplicates: first | drop_exact | sum | keep_figure, with duplicates_why)")
            out.append(finding("duplicate_cells", request, source_file=d.file, column=",".join(source.cell_key),
                               value=d.unresolved, severity="error", message=text))
        else:
            text = (f"{head}; resolved by `duplicates: {source.duplicates}` ({RESOLVED[source.duplicates]}"
                    f"{f', {d.dropped} row(s) dropped' if d.dropped else ''}): {source.duplicates_why.strip()}")
            out.append(finding("duplicate_cells", request, source_file=d.file, column=",".join(source.cell_key),
                               value=d.cells, message=text))
    return out
