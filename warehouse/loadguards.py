"""Guardrails of a load against a steward's slip or a bad delivery, as small functions load.py calls.

- the period a file declares in its name (`file_period`) and the load date bound the period column;
- a file whose quarantined share passes its source's budget is refused whole, with one message that
  names the root cause (for dates, which format the file's first values really follow);
- a file that loads no row is an error;
- a header the spec names but the file lacks gets a did-you-mean.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import duckdb

from validators.spec.dateformats import CANDIDATES, PROBE_ROWS, probe_message
from validators.spec.model import Source
from validators.spec.suggest import suggestion

from .db import Params, run_bound
from .cellsql import RowBounds


class FilePeriodMismatch(ValueError):
    """The file's name does not say the period that `file_period` expects."""


def file_period(source: Source, file_name: str) -> tuple[date, date, str] | None:
    """First and last day of the period the file's name declares, and that period as written."""
    if not source.file_period:
        return None
    found = re.search(source.file_period, file_name)
    if not found:
        raise FilePeriodMismatch(f"{file_name}: the name does not match file_period '{source.file_period}' "
                                 f"of source '{source.id}'; rename the file or fix file_period")
    year, month = int(found["year"]), found.groupdict().get("month")
    if month:
        m = int(month)
        return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1]), f"{year}-{m:02d}"
    return date(year, 1, 1), date(year, 12, 31), str(year)


def row_bounds(source: Source, file_name: str, today: date | None = None) -> RowBounds:
    return RowBounds(today or date.today(), file_period(source, file_name))


def missing_headers(rel: str, wanted: list[str], headers: list[str], spec_file: str) -> str | None:
    """'x.csv: column 'FECHA_MOV' not found; did you mean 'FECHA_MOVIMIENTO'? ...', or None."""
    missing = [h for h in wanted if h not in headers]
    if not missing:
        return None
    each = "; ".join(f"column '{m}' not found{suggestion(m, headers)}" for m in missing)
    return f"{rel}: {each}; update the source spec {spec_file} (the file has: {', '.join(headers)})"


@dataclass(frozen=True)
class Refusal:
    kind: str     # a finding kind: quarantine_budget or nothing_loaded
    message: str


def _date_probe(con: duckdb.DuckDBPyConnection, index: int, declared: list[str]) -> str | None:
    """The load's own parser (DuckDB strptime) on the first values of the column: which format fits."""
    p = Params()
    fmts = [("", declared)] + [(f, [f]) for f in CANDIDATES if f not in declared]
    counts = ", ".join(f"count(try_strptime(v, [{', '.join(p.bind(x) for x in fs)}]))" for _, fs in fmts)
    sql = (f"SELECT count(*), {counts} FROM (SELECT trim(c{index}) AS v FROM _stage "
           f"WHERE nullif(trim(c{index}), '') IS NOT NULL ORDER BY _row LIMIT {PROBE_ROWS})")
    total, *found = run_bound(con, sql, p.values).fetchone()
    return probe_message(declared, {name: n for (name, _), n in zip(fmts, found)}, total)


def _causes(con: duckdb.DuckDBPyConnection, source: Source, rel: str, headers: list[str]) -> str:
    """The three biggest reasons rows were quarantined, with counts and first row (never a value)."""
    rows = con.execute(
        """SELECT rule, "column", count(DISTINCT row_number) AS n, min(row_number) FROM quarantine
           WHERE source = ? AND file = ? GROUP BY ALL ORDER BY n DESC, rule LIMIT 3""", [source.id, rel]).fetchall()
    out = []
    for rule, column, n, first in rows:
        text = f"{rule}" + (f" in {column}" if column else "") + f": {n:,} {'row' if n == 1 else 'rows'} from row {first}"
        col = next((c for c in source.columns if c.source == column), None)
        if rule == "not_a_date" and col is not None and column in headers:
            formats = col.formats or (["%Y-%m-%d"] if col.type == "date" else ["%Y-%m"])
            hint = _date_probe(con, headers.index(column), formats)
            text += f" ({hint})" if hint else ""
        out.append(text)
    return "; ".join(out)


def refusal(con: duckdb.DuckDBPyConnection, source: Source, rel: str, headers: list[str], spec_file: str,
            read: int, loaded: int, quarantined: int) -> Refusal | None:
    """Why the file must not be used (over its quarantine budget, or nothing loaded), or None."""
    budget = source.quarantine_share
    if read and quarantined / read > budget:
        return Refusal("quarantine_budget", (
            f"{rel}: {quarantined:,} of {read:,} rows ({quarantined / read:.1%}) quarantined, over the budget of "
            f"{budget:.1%} for source '{source.id}'; none of the file's rows is used. Causes: "
            f"{_causes(con, source, rel, headers)}. Fix the source spec {spec_file} (or, for a known defect "
            f"of the delivery, set quarantine_budget there with its reason)"))
    if loaded == 0:
        what = (f"all {read:,} rows were quarantined ({_causes(con, source, rel, headers)})" if read
                else "the file holds no data row below its header")
        return Refusal("nothing_loaded", f"{rel}: no row loaded: {what}. Check the file against the source spec {spec_file}")
    return None
