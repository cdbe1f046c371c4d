"""Build a request's indicator table (`cube_<request>`) in DuckDB from its spec.

Microdata: counted with GROUP BY CUBE, so every breakdown has its `_T` total, then zero-filled
over the codelist (or the observed codes, for long codelists) and the periods the source covers.
Aggregates: the source's own published cells, totals included, are kept as published (a
suppressed source cell stays suppressed: conf_status C), never re-derived. A publisher that prints
no totals (`totals: derived`) gets them as the sum of its parts; a total over a missing or
withheld part is missing (M) or withheld (C), never a sum of the parts that are there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from validators.spec.findings import Finding
from validators.spec.model import TOTAL, Codelist, Request, Source
from validators.spec.periods import expected_periods, period_end, resolve_start

from .counts import counts_sql, loaded_files
from .db import Params, cube_table, quote, raw_table, run_bound
from .grouping import grouped_filter_findings, grouped_sql, small_codes
from .keys import duplicate_findings, find_duplicates, resolved_sql
from .loadsql import raw_table_ddl
from .totals_only import kept_cells_sql


@dataclass
class CubeInfo:
    request: str
    table: str
    rows: int
    expected: list[str]
    covered: list[str]
    files: list[str] = field(default_factory=list)
    fallback: list[str] = field(default_factory=list)  # latest periods delivered instead of those asked
    provisional: list[str] = field(default_factory=list)  # periods the source gives only in part (obs_status P)
    data_until: date | None = None  # the last day the source's rows speak for
    findings: list[Finding] = field(default_factory=list)  # what building found in the source (duplicate cells)
    grouped: dict[str, list[str]] = field(default_factory=dict)  # breakdown -> its codes published as _O


def period_sql(column: str, frequency: str) -> str:
    col = quote(column)
    if frequency == "year":
        return f"strftime({col}, '%Y')"
    if frequency == "quarter":
        return f"concat(strftime({col}, '%Y'), '-Q', quarter({col}))"
    return f"strftime({col}, '%Y-%m')"


def band_sql(column: str, codelist: Codelist, bind) -> str:
    """Integer ages -> the codelist's bands; no age -> _U."""
    whens = []
    for c in codelist.codes:
        if c.min is None:
            continue
        upper = f" AND {quote(column)} <= {bind(c.max)}" if c.max is not None else ""
        whens.append(f"WHEN {quote(column)} >= {bind(c.min)}{upper} THEN {bind(c.code)}")
    return f"CASE WHEN {quote(column)} IS NULL THEN '_U' {' '.join(whens)} ELSE '_U' END"


def snapshot_file(con: duckdb.DuckDBPyConnection, source: Source) -> str | None:
    """For snapshot sources, the newest release (file names carry the release date)."""
    if source.mode != "snapshot":
        return None
    row = con.execute(f"SELECT max(_file) FROM {raw_table(source.id)}").fetchone()
    return row[0] if row else None


def source_coverage(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[date, date] | None:
    """First and last day the source's rows speak for (month/year columns cover whole periods)."""
    col = quote(source.period_column)
    snap = snapshot_file(con, source)
    where = "WHERE _file = $f" if snap else ""
    lo, hi = con.execute(f"SELECT min({col}), max({col}) FROM {raw_table(source.id)} {where}",
                         {"f": snap} if snap else {}).fetchone()
    if lo is None:
        return None
    kind = source.column(source.period_column).type
    if kind == "month":
        hi = date(hi.year + (hi.month == 12), 1 if hi.month == 12 else hi.month + 1, 1) - timedelta(days=1)
    elif kind == "year":
        hi = date(hi.year, 12, 31)
    return lo, hi


def covered_periods(expected: list[str], coverage: tuple[date, date] | None, frequency: str) -> list[str]:
    """Periods the source covers to their last day: a month with data for 1-2 September is not covered."""
    if coverage is None:
        return []
    from validators.spec.periods import period_label
    first = period_label(coverage[0], frequency)
    return [p for p in expected if p >= first and period_end(p) <= coverage[1]]


def provisional_periods(expected: list[str], coverage: tuple[date, date] | None, frequency: str,
                        complete_until: date | None) -> tuple[list[str], list[str]]:
    """(covered, provisional): periods whose days are all in the source (and, if the spec says when the
    publisher's figures stop being complete, before that day), and the started periods that are not."""
    if coverage is None:
        return [], []
    from validators.spec.periods import period_label
    end = min(coverage[1], complete_until) if complete_until else coverage[1]
    covered = covered_periods(expected, (coverage[0], end), frequency)
    first, last = period_label(coverage[0], frequency), period_label(coverage[1], frequency)
    return covered, [p for p in expected if first <= p <= last and p not in covered]


def _flag(source: Source) -> str:
    """The token a publisher printed instead of a small value ('<5'), or NULL if it prints none."""
    column = source.column(source.value_column) if source.value_column else None
    return quote(source.value_column + "_flag") if column is not None and column.suppressed else "NULL::VARCHAR"


def _filters(req: Request, bind) -> list[str]:
    out = []
    for column, value in req.filters.items():
        values = [value] if isinstance(value, str) else value
        out.append(f"{quote(column)} IN ({', '.join(bind(v) for v in values)})")
    return out


def build_cube(con: duckdb.DuckDBPyConnection, req: Request, source: Source,
               codelists: dict[str, Codelist], reference: date, spec_file: str = "") -> CubeInfo:
    con.execute(raw_table_ddl(source))  # a source with no extract yet gives an empty table, not a crash
    bind = Params()
    start = resolve_start(req.period.from_, reference)
    expected = expected_periods(start, reference, req.period.frequency)
    coverage = source_coverage(con, source)
    until = date.fromisoformat(source.complete_until) if source.complete_until else None
    covered, provisional = provisional_periods(expected, coverage, req.period.frequency, until)
    fallback: list[str] = []
    if not covered and coverage and req.period.fallback == "latest-available":
        available = expected_periods(coverage[0], coverage[1], req.period.frequency)
        fallback = covered = available[-len(expected):] if expected else []
    dims = req.delivered_dimensions()
    where = _filters(req, bind)
    snap = snapshot_file(con, source)
    if snap:
        where.append(f"_file = {bind(snap)}")
    names = [quote(d) for d, _ in dims]
    delivered = {d for d, _ in dims}
    grouped = {d: small_codes(con, source, d, n, reference, snap) for d, n in req.group_small.items() if d in delivered}
    exprs = []
    for dim, codelist_id in dims:
        column = source.column(dim)
        exprs.append(band_sql(dim, codelists[codelist_id], bind) if column.type == "age" else quote(dim))
    if fallback:
        provisional = []
    built = covered + [p for p in provisional if p not in covered]
    periods = "[" + ", ".join(bind(p) for p in built) + "]" if built else "[]::VARCHAR[]"
    partial = "[" + ", ".join(bind(p) for p in provisional) + "]" if provisional else "[]::VARCHAR[]"

    def base_for(files: list[str] | None) -> str:
        """The request's rows, coded; given `files`, those loaded files' rows only, each with its
        `_file` (for their per-file counts)."""
        scope = where + ([f"_file IN ({', '.join(bind(f) for f in files)})"] if files else [])
        return (f"SELECT {period_sql(source.period_column, req.period.frequency)} AS time_period"
                + (", _file" if files is not None else "")
                + "".join(f", {e} AS {n}" for e, n in zip(exprs, names))
                + (f", {quote(source.value_column)} AS _v, {_flag(source)} AS _flag" if source.kind == "aggregate" else "")
                + f" FROM {resolved_sql(source, scope)} AS r WHERE TRUE")
    base = base_for(None)
    status = bind("E" if source.estimate else "A")
    unit = bind(req.measure.unit)
    table = cube_table(req.id)
    value_col = source.column(source.value_column) if source.value_column else None
    value_type = "DOUBLE" if value_col is not None and value_col.type == "number" else "BIGINT"
    if source.kind == "aggregate":
        sql = _aggregate_sql(req, source, codelists, base, names, periods, bind)
    else:
        files = None if snap else loaded_files(con, source)
        if files is not None:  # the warehouse's own load: count each file once, sum the counts
            # counted by the source's own codes, grouped when summed: a rare code joining or leaving
            # _O does not make every file be counted again
            counted = counts_sql(con, req.id, source, files, base_for, names, bind.values, bind)
            sql = _microdata_sql(req, dims, codelists, grouped_sql(counted, grouped, bind), names, periods, bind,
                                 "sum(_n)")
        else:
            sql = _microdata_sql(req, dims, codelists, grouped_sql(base, grouped, bind), names, periods, bind)
    run_bound(con, f"""CREATE OR REPLACE TABLE {table} AS
        SELECT c.* EXCLUDE (_withheld) REPLACE (CAST(obs_value AS {value_type}) AS obs_value), {unit} AS unit_measure,
               CASE WHEN obs_value IS NULL AND NOT _withheld THEN 'M'
                    WHEN list_contains({partial}, time_period) THEN 'P' ELSE {status} END AS obs_status,
               CASE WHEN obs_value IS NULL AND _withheld THEN 'C' ELSE 'F' END AS conf_status
        FROM ({sql}) c ORDER BY ALL""", bind.values)
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    found = duplicate_findings(req.id, source, spec_file or f"specs/sources/{source.id}.yaml",
                               find_duplicates(con, source, where, bind.values))
    found += grouped_filter_findings(req, grouped, f"specs/requests/{req.id}.yaml")
    files = [r[0] for r in con.execute(f"SELECT DISTINCT _file FROM {raw_table(source.id)} ORDER BY 1").fetchall()]
    return CubeInfo(req.id, table, rows, expected, covered, [snap] if snap else files, fallback,
                    findings=found, provisional=provisional, data_until=coverage[1] if coverage else None,
                    grouped=grouped)


def _grouping_sets(combos: list[list[str]]) -> list[tuple[str, ...]]:
    """Every subset of every combination: the cells and all their totals, each once."""
    from itertools import combinations

    sets: dict[tuple[str, ...], None] = {}
    for combo in combos:
        for k in range(len(combo), -1, -1):
            for subset in combinations(combo, k):
                sets.setdefault(subset, None)
    return list(sets)


def _microdata_sql(req: Request, dims, codelists, base: str, names: list[str], periods: str, bind,
                   measure: str = "count(*)") -> str:
    totals = ", ".join(f"CASE WHEN GROUPING({n}) = 1 THEN '{TOTAL}' ELSE {n} END AS {n}" for n in names)
    combos = [[quote(d) for d in combo] for combo in req.combinations()]
    sets = ", ".join("(" + ", ".join(s) + ")" for s in _grouping_sets(combos))
    group = f"time_period, GROUPING SETS ({sets})" if names else "time_period"
    agg = (f"SELECT time_period{', ' + totals if names else ''}, {measure} AS obs_value FROM base "
           f"WHERE list_contains({periods}, time_period) GROUP BY {group}")
    domains = {}
    for (dim, codelist_id), n in zip(dims, names):
        codelist = codelists[codelist_id]
        if codelist.fill == "all":
            codes = "[" + ", ".join(bind(c) for c in sorted(codelist.code_set() | {codelist.total})) + "]"
            domains[n] = f"SELECT unnest({codes}) AS {n}"
        else:
            domains[n] = f"SELECT DISTINCT {n} FROM base UNION SELECT {bind(codelist.total)}"
    frames = []
    for combo in combos or [[]]:  # zero-fill each combination over its codes; other dims are _T
        frame = f"SELECT unnest({periods}) AS time_period"
        for n in combo:
            frame = f"SELECT * FROM ({frame}) CROSS JOIN ({domains[n]})"
        others = ", ".join(f"'{TOTAL}' AS {n}" for n in names if n not in combo)
        frames.append(f"SELECT time_period, {', '.join(names)} FROM (SELECT *{', ' + others if others else ''} FROM ({frame}))"
                      if names else frame)
    keys = ", ".join(["time_period"] + names)
    kept = kept_cells_sql(req, {d: n for (d, _), n in zip(dims, names)}, bind)
    return (f"WITH base AS ({base}), agg AS ({agg}), frame AS ({' UNION '.join(frames)}) "
            f"SELECT frame.*, coalesce(agg.obs_value, 0) AS obs_value, false AS _withheld FROM frame LEFT JOIN agg USING ({keys}) "
            f"WHERE {kept}")


def _aggregate_sql(req: Request, source: Source, codelists, base: str, names: list[str], periods: str, bind) -> str:
    # Coded columns that are neither broken down nor filtered must sit at their total,
    # or the source's published totals would be added to their own parts.
    dims = {d for d, _ in req.delivered_dimensions()}
    derived = source.totals == "derived"  # the publisher prints no totals: every row is a part
    others = [c for c in source.published_columns if c.type == "code" and c.name not in dims
              and c.name not in req.filters]
    extra = " AND ".join(f"{quote(c.name)} = {bind(codelists[c.codelist].total)}" for c in others)
    if extra and not derived:
        base += " AND " + extra
    if req.cross and not derived:  # keep only the source's cells that lie within one of the combinations
        combos = req.combinations()
        keep = " OR ".join("(" + (" AND ".join(f"{quote(d)} = '{TOTAL}'" for d in dims if d not in combo) or "TRUE") + ")"
                           for combo in combos)
        base += f" AND ({keep})"
    flag = source.column(source.value_column)
    upper = bind(flag.suppressed_max) if flag.suppressed_max is not None else "NULL"
    keys = ", ".join(["time_period"] + names)
    cells = _aggregate_cells_sql(base, keys, periods, upper)
    if derived and names:
        return _derived_totals_sql(cells, names, [[quote(d) for d in combo] for combo in req.combinations()])
    return cells


def _derived_totals_sql(cells: str, names: list[str], combos: list[list[str]]) -> str:
    """The cells and their totals (_T), each the sum of its parts; a total over a missing part is
    missing (NULL, M) and over a withheld part withheld (C): never a silent undercount."""
    totals = ", ".join(f"CASE WHEN GROUPING({n}) = 1 THEN '{TOTAL}' ELSE {n} END AS {n}" for n in names)
    sets = ", ".join("(" + ", ".join(s) + ")" for s in _grouping_sets(combos))
    return (f"SELECT time_period, {totals}, "
            f"CASE WHEN count(*) FILTER (WHERE obs_value IS NULL) > 0 THEN NULL ELSE sum(obs_value) END AS obs_value, "
            f"sum(_upper) AS _upper, sum(_suppressed) AS _suppressed, bool_or(_withheld) AS _withheld "
            f"FROM ({cells}) GROUP BY time_period, GROUPING SETS ({sets})")


def _aggregate_cells_sql(base: str, keys: str, periods: str, upper: str) -> str:
    return (f"WITH base AS ({base}) SELECT {keys}, "
            f"CASE WHEN count(*) FILTER (WHERE _v IS NULL) > 0 THEN NULL ELSE sum(_v) END AS obs_value, "
            f"sum(coalesce(_v, {upper})) AS _upper, count(*) FILTER (WHERE _v IS NULL AND _flag IS NOT NULL) AS _suppressed, "
            # withheld by the publisher ('<5'): C; a cell the source leaves empty is missing (M), not confidential
            f"count(*) FILTER (WHERE _v IS NULL AND _flag IS NOT NULL) > 0 AS _withheld "
            f"FROM base WHERE list_contains({periods}, time_period) GROUP BY {keys}")
