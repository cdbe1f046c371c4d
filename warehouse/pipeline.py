"""Warehouse steps as the flow calls them: each opens the DuckDB file, does one thing, closes it.

Only aggregated cubes leave DuckDB (as small DataFrames); microdata never does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from validators.spec.catalogue import Catalogue
from validators.spec.findings import Finding, finding

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


def quarantine_findings(db: Path, cat: Catalogue, source_ids: list[str]) -> list[Finding]:
    """Quarantined cells as findings (one per cell): the rows a table could not count."""
    with opened(db) as con:
        rows = con.execute(
            """SELECT source, file, row_number, "column", value, rule, message FROM quarantine
               WHERE list_contains($ids, source) ORDER BY source, file, row_number""",
            {"ids": source_ids}).fetchall()
    return [finding(rule, s, source_file=f, row=r, column=c, value=v, message=m) for s, f, r, c, v, rule, m in rows]


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
