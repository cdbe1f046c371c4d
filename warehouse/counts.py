"""Per-file counts of a microdata request, kept between builds so that a monthly delivery costs
in proportion to its own rows.

A request's table over twenty years of movements is a GROUP BY over every row. Counting each
loaded file once, by period and breakdown codes (`counts_<request>`), and summing those counts
at build time gives the same numbers: a new or replaced file is counted on its own; files whose
content and load (sha256 and time in the load log) are unchanged are not read again. The counts are keyed by the
SQL that selects and codes the rows (filters, age bands, binds), so a changed request spec or
codelist starts afresh.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import duckdb

from validators.spec.model import Source

from .db import quote, raw_table, run_bound


def _has_load_log(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'load_log' "
                            "AND table_type = 'BASE TABLE'").fetchall()[0][0])


def loaded_files(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, str] | None:
    """{file: version} of the source's loaded files (sha256 and load time), or None when the raw table is not the load's own
    (a snapshot view, a table written by hand): then counts cannot be trusted and are not kept."""
    if not _has_load_log(con):
        return None
    # a file's version is its content and when it was loaded: a changed source spec reloads the same
    # content with other rows (a new recode, a new rule), and its counts must be made again
    logged = dict(con.execute("SELECT file, sha256 || ' ' || CAST(loaded_at AS VARCHAR) FROM load_log "
                              "WHERE source = ? AND rows_loaded > 0", [source.id]).fetchall())
    present = {r[0] for r in con.execute(f"SELECT DISTINCT _file FROM {raw_table(source.id)}").fetchall()}
    return logged if present == set(logged) else None


def signature(base: str, params: dict[str, object]) -> str:
    """What the counts depend on: the row-selecting SQL and the values it binds."""
    used = sorted(set(re.findall(r"\$(\w+)", base)))
    text = base + "\n" + "\n".join(f"{k}={params[k]!r}" for k in used)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def counts_sql(con: duckdb.DuckDBPyConnection, request_id: str, source: Source, files: dict[str, str],
               base_for: Callable[[str | None], str], names: list[str], params: dict[str, object],
               bind: Callable[[object], str]) -> str:
    """Bring `counts_<request>` up to date with the loaded files; return the SQL of its rows
    (time_period, the breakdowns and `_n`), for the build to sum instead of counting rows."""
    base = base_for(None)
    sig = signature(base, params)
    table = quote("counts_" + request_id.replace("-", "_"))
    dims = "".join(f", {n} VARCHAR" for n in names)
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} (sig VARCHAR, file VARCHAR, sha256 VARCHAR, "
                f"time_period VARCHAR{dims}, _n BIGINT)")
    columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    if columns != ["sig", "file", "sha256", "time_period", *[n.strip('"') for n in names], "_n"]:
        con.execute(f"DROP TABLE {table}")  # the request's breakdowns changed: count afresh
        return counts_sql(con, request_id, source, files, base_for, names, params, bind)
    counted = set(con.execute(f"SELECT DISTINCT file, sha256 FROM {table} WHERE sig = ?", [sig]).fetchall())
    stale = counted - set(files.items())
    con.execute("BEGIN")
    try:
        con.execute(f"DELETE FROM {table} WHERE sig <> ?", [sig])
        for file, sha in sorted(stale):
            con.execute(f"DELETE FROM {table} WHERE file = ? AND sha256 = ?", [file, sha])
        fresh = dict(sorted(set(files.items()) - counted))
        if fresh:  # one pass over the fresh files' rows, not one per file: DuckDB cannot skip the
            # other files' rows by a file name's min/max (every movement file's name starts alike)
            rows = base_for([] if fresh.keys() == files.keys() else list(fresh))  # []: every file
            cols = ", ".join(f"c.{n}" for n in ["time_period", *names])
            versions = f"(SELECT unnest({bind(list(fresh))}) AS file, unnest({bind(list(fresh.values()))}) AS sha)"
            run_bound(con, f"INSERT INTO {table} SELECT {bind(sig)}, c._file, f.sha, {cols}, count(*) "
                           f"FROM ({rows}) c JOIN {versions} f ON f.file = c._file GROUP BY ALL", params)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"SELECT time_period{''.join(', ' + n for n in names)}, _n FROM {table} WHERE sig = {bind(sig)}"
