"""Rare codes published together as `_O` (a request's `group_small`).

Which codes are rare is decided over the whole source up to the reference date, not over one
request's rows or periods: every table of the source then means the same by `_O`, so that no
difference between two tables gives back a rare code, and a code stays in or out of `_O` in
every period of a table.
"""

from __future__ import annotations

from datetime import date

import duckdb

from validators.spec.findings import Finding, finding
from validators.spec.model import OTHER, TOTAL, Request, Source

from .db import quote
from .keys import resolved_sql

# never grouped: the total, and "not stated", which says something other than "rare"
KEPT = (TOTAL, "_U", OTHER)


def small_codes(con: duckdb.DuckDBPyConnection, source: Source, column: str, below: int,
                reference: date, snapshot: str | None = None) -> list[str]:
    """The codes of `column` with fewer than `below` records in the source up to `reference`."""
    where = [f"{quote(source.period_column)} <= $reference"] + (["_file = $snapshot"] if snapshot else [])
    params = {"reference": reference, "below": below, **({"snapshot": snapshot} if snapshot else {})}
    kept = ", ".join(f"'{c}'" for c in KEPT)
    rows = con.execute(f"SELECT {quote(column)} FROM {resolved_sql(source, where)} AS r "
                       f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} NOT IN ({kept}) "
                       f"GROUP BY 1 HAVING count(*) < $below ORDER BY 1", params).fetchall()
    return [r[0] for r in rows]


def grouped_sql(rows: str, grouped: dict[str, list[str]], bind) -> str:
    """`rows` (any query with the breakdown columns) with each grouped code replaced by `_O`."""
    cases = [f"CASE WHEN {quote(dim)} IN ({', '.join(bind(c) for c in codes)}) THEN '{OTHER}' "
             f"ELSE {quote(dim)} END AS {quote(dim)}" for dim, codes in grouped.items() if codes]
    return f"SELECT * REPLACE ({', '.join(cases)}) FROM ({rows})" if cases else rows


def grouped_filter_findings(req: Request, grouped: dict[str, list[str]], spec_file: str) -> list[Finding]:
    """A filter on a code that is grouped would select a part of `_O`, which no other table of the
    source publishes apart: disclosure control could not link the tables. The request fails."""
    out = []
    for dim, codes in grouped.items():
        wanted = req.filters.get(dim, [])
        for code in [wanted] if isinstance(wanted, str) else wanted:
            if code in codes:
                out.append(finding("grouped_filter", req.id, column=dim, value=code, severity="error", message=(
                    f"filters.{dim} keeps '{code}', which has fewer than {req.group_small[dim]} records in the "
                    f"source and is published within '{OTHER}': lower group_small.{dim} in {spec_file} "
                    f"below its count, or remove the filter")))
    return out
