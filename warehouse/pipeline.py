"""Warehouse steps as the flow calls them: each opens the DuckDB file, does one thing, closes it.

Only aggregated cubes leave DuckDB (as small DataFrames); microdata never does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from validators.spec.catalogue import Catalogue
from validators.spec.findings import KINDS, Finding, finding

from .cube import CubeInfo, build_cube
from .db import opened
from .guards import LoadGuards
from .load import FileLoad, load_source, pseudonym_key


def load_one(db: Path, cat: Catalogue, source_id: str, landing: Path, key_file: Path,
             guards: LoadGuards = LoadGuards()) -> list[FileLoad]:
    source = cat.sources[source_id]
    shown = cat.files[("sources", source_id)]
    with opened(db) as con:
        return load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], pseudonym_key(key_file),
                           guards)


def build_one(db: Path, cat: Catalogue, request_id: str, reference: date) -> tuple[CubeInfo, pd.DataFrame]:
    req = cat.requests[request_id]
    with opened(db) as con:
        info = build_cube(con, req, cat.sources[req.source], cat.codelists, reference,
                          cat.files.get(("sources", req.source), ""))
        table = con.execute(f"SELECT * FROM {info.table}").df()
    return info, table


def newest_data(db: Path, cat: Catalogue, source_ids: list[str]) -> dict[str, date | None]:
    """The last day each source's data speaks for (of its newest release, for snapshots)."""
    from .cube import source_coverage
    from .loadsql import raw_table_ddl

    out = {}
    with opened(db) as con:
        for sid in source_ids:
            con.execute(raw_table_ddl(cat.sources[sid]))
            coverage = source_coverage(con, cat.sources[sid])
            out[sid] = coverage[1] if coverage else None
    return out


def load_error_findings(loads: list[FileLoad]) -> list[Finding]:
    """A file that could not be read or was refused (over its quarantine budget, nothing loaded):
    an error finding on its source, which fails every request on it."""
    return [finding(f.error_kind, f.source, source_file=f.file, detail=f.error) for f in loads if f.error]


def load_note_findings(loads: list[FileLoad]) -> list[Finding]:
    """Rows removed with the office's confirmation, and content delivered twice: warnings on the source."""
    return [finding("duplicate_extract" if "same content" in f.note else "source_shrank", f.source,
                    source_file=f.file, detail=f.note) for f in loads if f.note]


QUARANTINE_SHOWN_LABELS = 10  # unmapped labels of an aggregate source named in its finding


def quarantine_findings(db: Path, cat: Catalogue, source_ids: list[str]) -> list[Finding]:
    """Quarantined rows as counts: one finding per (source, file, rule, column), never a row.

    The edition is public: no row number, raw value or raw line of a quarantined row leaves the
    warehouse, for any source. Microdata rows are personal data (birth dates, document numbers);
    an aggregate source's raw line can hold a count below the threshold that disclosure control
    withholds from the published table. Stewards read the rows with `loipr quarantine`
    (``quarantine_rows``). The one exception: the labels an aggregate source's recode does not
    map (code-list text, not figures or persons) are named, since the fix is to add them.
    """
    with opened(db) as con:
        rows = con.execute(
            """SELECT source, file, rule, "column", count(DISTINCT row_number) AS n,
                      list(DISTINCT value ORDER BY value) FILTER (WHERE rule = 'unknown_label') AS labels
               FROM quarantine WHERE list_contains($ids, source)
               GROUP BY ALL ORDER BY source, file, rule, "column" NULLS FIRST""",
            {"ids": source_ids}).fetchall()
    return [_quarantine_count(cat, *row) for row in rows]


def _quarantine_count(cat: Catalogue, source: str, file: str, rule: str, column: str | None, n: int,
                      labels: list[str] | None) -> Finding:
    where = f"in column {column} " if column else ""
    text = (f"{n:,} row{'s' if n != 1 else ''} quarantined {where}(check: {KINDS[rule].about}); "
            f"the rows stay in the warehouse: loipr quarantine --source {source} --rule {rule}")
    src = cat.sources.get(source)
    if labels and src is not None and src.kind == "aggregate":
        shown = ", ".join(f"'{v}'" for v in labels[:QUARANTINE_SHOWN_LABELS])
        more = f" and {len(labels) - QUARANTINE_SHOWN_LABELS} more" if len(labels) > QUARANTINE_SHOWN_LABELS else ""
        text += f"; labels not mapped: {shown}{more} (add them to the recode of {column})"
    return finding(rule, source, source_file=file, column=column, value=n, message=text)


def quarantine_rows(db: Path, source_id: str, rule: str | None = None, limit: int = 50) -> pd.DataFrame:
    """The quarantined rows of one source, for its stewards (`loipr quarantine`): never published.

    Read-only: it can run while nothing else writes, and never changes the warehouse.
    """
    with opened(db, read_only=True) as con:
        return con.execute(
            """SELECT file, row_number, "column", rule, value, message FROM quarantine
               WHERE source = $source AND ($rule IS NULL OR rule = $rule)
               ORDER BY file, row_number, "column" LIMIT $limit""",
            {"source": source_id, "rule": rule, "limit": int(limit)}).df()


def load_log(db: Path, source_ids: list[str]) -> list[dict]:
    with opened(db) as con:
        df = con.execute("SELECT * FROM load_log WHERE list_contains($ids, source) ORDER BY source, file",
                         {"ids": source_ids}).df()
    df["loaded_at"] = df["loaded_at"].astype(str)
    return df.to_dict("records")



def filter_findings(db: Path, cat: Catalogue, request_id: str) -> list[Finding]:
    """A filter that keeps no row of a source holding rows is an error: it would publish a table of zeros."""
    from .db import Params, quote, raw_table, run_bound
    from .loadsql import raw_table_ddl

    req = cat.requests[request_id]
    source = cat.sources[req.source]
    out = []
    with opened(db) as con:
        con.execute(raw_table_ddl(source))
        total = con.execute(f"SELECT count(*) FROM {raw_table(source.id)}").fetchone()[0]
        for column, value in req.filters.items() if total else []:
            values = [value] if isinstance(value, str) else list(value)
            p = Params()
            sql = (f"SELECT count(*) FROM {raw_table(source.id)} "
                   f"WHERE {quote(column)} IN ({', '.join(p.bind(v) for v in values)})")
            if run_bound(con, sql, p.values).fetchone()[0] == 0:
                shown = ", ".join(f"'{v}'" for v in values)
                out.append(finding("filter_matches_nothing", request_id, column=column, detail=(
                    f"the filter {column}: {shown} keeps none of the {total:,} rows of source '{source.id}'; "
                    f"check the value against the source (a table of zeros is not published)")))
    return out
