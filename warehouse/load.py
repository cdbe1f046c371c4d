"""Load a source's extracts into DuckDB: every row read is loaded or quarantined with its reason.

Idempotent per file: a file already loaded with the same content and spec is skipped; a changed
file replaces its rows; a changed source spec reloads the whole source. Each file is one transaction.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from validators.spec.findings import KINDS
from validators.spec.model import Codelist, Source

from .db import TYPED_ONCE, raw_table, run_bound, scoped, table_exists
from .filehashes import file_sha256, known_shas, signature
from .guards import (LoadGuards, changed_meanwhile, duplicate_note, duplicates, removal_note, replacement_note,
                     source_files)
from .loadguards import FilePeriodMismatch, Refusal, missing_headers, refusal, row_bounds
from .cellsql import PSEUDONYM_KEY, hashing_key
from .loadsql import build_load_sql, load_part
from .parallel import load_files
from .readers import ExtractError, stage_file


@dataclass(frozen=True)
class FileLoad:
    source: str
    file: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    skipped: bool = False
    error: str | None = None
    error_kind: str = "extract_readable"  # the finding kind of `error`
    note: str | None = None  # a confirmed shrink or a duplicate: reported as a finding (warehouse/guards.py)


def pseudonym_key(key_file: Path) -> str:
    """The keyed-hash secret: LOIPR_PSEUDONYM_KEY, else a key file made once (git-ignored)."""
    if os.environ.get("LOIPR_PSEUDONYM_KEY"):
        return os.environ["LOIPR_PSEUDONYM_KEY"]
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Bumped whenever the raw tables' layout changes, so a warehouse loaded by older code reloads its
# sources instead of mixing layouts (2: pseudonyms stored as 128-bit integers, not hex text;
# 3: pseudonyms hashed with a 128-bit key derived from the office's key, see cellsql.hashing_key;
# 4: `_part`, an integer per file load, see loadsql.raw_table_ddl).
STORAGE_FORMAT = 4


def source_state(spec_hash: str) -> str:
    """What a source's rows were loaded under: its spec and the storage format."""
    return f"{spec_hash}/format-{STORAGE_FORMAT}"


def _reset_if_spec_changed(con: duckdb.DuckDBPyConnection, source: Source, spec_hash: str) -> None:
    row = con.execute("SELECT spec_sha256 FROM source_state WHERE source = ?", [source.id]).fetchone()
    if row and row[0] == source_state(spec_hash):
        return
    con.execute("BEGIN")
    con.execute(f"DROP TABLE IF EXISTS {raw_table(source.id)}")
    con.execute("DELETE FROM load_log WHERE source = ?", [source.id])
    con.execute("DELETE FROM quarantine WHERE source = ?", [source.id])
    con.execute("INSERT OR REPLACE INTO source_state VALUES (?, ?)", [source.id, source_state(spec_hash)])
    con.execute("COMMIT")


def _forget_file(con: duckdb.DuckDBPyConnection, source: Source, rel: str) -> None:
    if table_exists(con, raw_table(source.id)):
        con.execute(f"DELETE FROM {raw_table(source.id)} WHERE _file = ?", [rel])
    con.execute("DELETE FROM quarantine WHERE source = ? AND file = ?", [source.id, rel])
    con.execute("DELETE FROM load_log WHERE source = ? AND file = ?", [source.id, rel])


def _create_recode_tables(con: duckdb.DuckDBPyConnection, recodes: list[tuple[str, str, str]]) -> None:
    """One temp table per code column, filled from Arrow in one call (executemany is slow)."""
    import pyarrow as pa

    for table in sorted({t for t, _, _ in recodes}):
        rows = [(label, code) for t, label, code in recodes if t == table]
        arrow = pa.table({"label": [r[0] for r in rows], "code": [r[1] for r in rows]})
        con.register("_recode_arrow", arrow)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _recode_arrow")
        con.unregister("_recode_arrow")


def _quarantine_rejects(con: duckdb.DuckDBPyConnection, source_id: str, rel: str,
                        rejects: list[tuple[int, str, str]], message: str) -> None:
    """Unreadable rows into quarantine in one call from Arrow (executemany took ~6 ms a row)."""
    import pyarrow as pa

    con.register("_rejects_arrow", pa.table({
        "row": pa.array([r for r, _, _ in rejects], type=pa.int64()),
        "raw": pa.array([raw[:500] for _, raw, _ in rejects], type=pa.string()),
        "message": pa.array([message + reason for _, _, reason in rejects], type=pa.string())}))
    con.execute("INSERT INTO quarantine SELECT ?, ?, row, NULL, raw, 'unreadable_row', message FROM _rejects_arrow",
                [source_id, rel])
    con.unregister("_rejects_arrow")


def refuse_file(con: duckdb.DuckDBPyConnection, source: Source, rel: str, sha: str, read: int,
                quarantined: int, why: Refusal) -> FileLoad:
    """The file's transaction is rolled back by the caller; its rows of an earlier load go too."""
    con.execute("BEGIN")
    _forget_file(con, source, rel)
    con.execute("COMMIT")
    return FileLoad(source.id, rel, sha, read, 0, quarantined, error=why.message, error_kind=why.kind)


def load_file(con: duckdb.DuckDBPyConnection, source: Source, path: Path, rel: str,
              codelists: dict[str, Codelist], spec_file: str, spec_hash: str, key: str,
              sha: str | None = None, guards: LoadGuards = LoadGuards(), today: date | None = None,
              hashed_at: tuple[int, int, int, int] | None = None, alone: bool = False) -> FileLoad:
    """`hashed_at`: the file's signature when `sha` was computed; unchanged after staging, the file
    is not hashed a second time (a tenth of a movement file's load). `alone`: no other file loads
    meanwhile (warehouse/parallel.py), so its staging may use every core."""
    if sha is None:
        hashed_at, sha = signature(path), file_sha256(path)
    done = next(iter(con.execute("SELECT sha256 FROM load_log WHERE source = ? AND file = ?",
                                 [source.id, rel]).fetchall()), None)
    if done and done[0] == sha:
        counts = con.execute("SELECT rows_read, rows_loaded, rows_quarantined FROM load_log "
                             "WHERE source = ? AND file = ?", [source.id, rel]).fetchone()
        return FileLoad(source.id, rel, sha, *counts, skipped=True)
    try:
        bounds = row_bounds(source, path.name, today)
    except FilePeriodMismatch as bad:
        raise ExtractError(str(bad)) from None
    staged = stage_file(con, path, source, alone)
    named = [c.source for c in source.columns]  # headers named by a column's source or by its `when`
    named += [k for c in source.columns for k in (c.when or {}) if k not in named]
    missing = missing_headers(rel, named, staged.headers, spec_file)
    if missing:
        raise ExtractError(missing)
    if hashed_at is None or signature(path) != hashed_at:  # staged once; the file must not have moved under us
        changed_meanwhile(rel, sha, file_sha256(path))
    note = _replacement(con, source, rel, done, staged.rows + len(staged.rejects), guards)
    sql = build_load_sql(source, staged.headers, codelists, spec_file, bounds)
    hashed_with = hashing_key(key)
    params = {k: (hashed_with if v is PSEUDONYM_KEY else v) for k, v in sql.params.items()}
    params.update({"source": source.id, "file": rel, "part": load_part(rel, sha)})
    try:  # (DuckDB registers an Arrow table only once every earlier result is fetched to the end)
        # The passes that read the staged text write only temporary tables: they run before the
        # file's transaction, which then holds just the writes to the warehouse.
        _create_recode_tables(con, sql.recodes)
        for statement in sql.maps:
            con.execute(statement)
        if sql.dupkeys:  # a typed key (a date, a number) binds its formats and patterns
            run_bound(con, sql.dupkeys, params)
        con.execute("BEGIN")
    except Exception:
        _drop_staging(con)
        raise
    try:
        if done:  # only a file loaded before has rows to replace (avoids a scan of the raw table)
            _forget_file(con, source, rel)
        con.execute(sql.create_raw)
        # Each row carries its record number, so the rows may be written in any order (in parallel).
        with scoped(con, TYPED_ONCE):
            loaded = run_bound(con, sql.insert, params).fetchone()[0]  # INSERT returns the rows it inserted
        if loaded < staged.rows:  # the rows not written: their rules, then the first of each shared key
            run_bound(con, sql.checked, params)
            run_bound(con, sql.quarantine, params)
            if sql.firsts:
                loaded += run_bound(con, sql.firsts, params).fetchone()[0]
        reject_msg = KINDS["unreadable_row"].template.split("{value}")[0]
        if staged.rejects:
            _quarantine_rejects(con, source.id, rel, staged.rejects, reject_msg)
        bad_rows = con.execute("SELECT count(DISTINCT row_number) FROM quarantine WHERE source = ? AND file = ?",
                               [source.id, rel]).fetchone()[0]
        read = staged.rows + len(staged.rejects)
        why = refusal(con, source, rel, staged.headers, spec_file, read, loaded, bad_rows)
        if why and not (note and read == 0):  # an emptied file is a confirmed withdrawal (--allow-shrink)
            con.execute("ROLLBACK")
            return refuse_file(con, source, rel, sha, read, bad_rows, why)
        con.execute("INSERT INTO load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [source.id, rel, sha, read, loaded, bad_rows, datetime.now(UTC).replace(tzinfo=None), spec_hash])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        _drop_staging(con)
    return FileLoad(source.id, rel, sha, read, loaded, bad_rows, note=note)


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _checked; DROP TABLE IF EXISTS _dupkeys; "
                "DROP VIEW IF EXISTS _stage; "
                "DROP VIEW IF EXISTS _stage_text; DROP TABLE IF EXISTS _stage_in")


def _replacement(con: duckdb.DuckDBPyConnection, source: Source, rel: str, done: tuple | None, now: int,
                 guards: LoadGuards) -> str | None:
    """A file loaded before, rewritten with far fewer rows: refused unless confirmed (guards.py)."""
    if not done:
        return None
    before, total = con.execute("SELECT sum(rows_loaded) FILTER (WHERE file = ?), sum(rows_loaded) FROM load_log "
                                "WHERE source = ?", [rel, source.id]).fetchall()[0]
    return replacement_note(source, rel, int(before or 0), now, int(total or 0), guards.allow_shrink)


def load_source(con: duckdb.DuckDBPyConnection, source: Source, landing: Path, codelists: dict[str, Codelist],
                spec_file: str, spec_hash: str, key: str, guards: LoadGuards = LoadGuards(),
                today: date | None = None) -> list[FileLoad]:
    """Load every extract of one source; files gone from the landing folder are forgotten.

    Refused as a whole (nothing changed, one FileLoad with the error) when the landing folder is
    missing, a file lies outside it, or most of the source's rows would go (warehouse/guards.py)."""
    try:
        return _load_source(con, source, landing, codelists, spec_file, spec_hash, key, guards, today)
    except ExtractError as err:
        return [FileLoad(source.id, source.path, "", 0, 0, 0, error=str(err))]


def _load_source(con: duckdb.DuckDBPyConnection, source: Source, landing: Path, codelists: dict[str, Codelist],
                 spec_file: str, spec_hash: str, key: str, guards: LoadGuards, today: date | None) -> list[FileLoad]:
    files = {str(p.relative_to(landing.resolve())): p for p in source_files(source, landing, guards.allow_symlinks)}
    shas, hashed_at, unreadable = known_shas(con, source.id, files)
    twins = duplicates(shas)
    loaded = dict(con.execute("SELECT file, rows_loaded FROM load_log WHERE source = ?", [source.id]).fetchall())
    note = removal_note(source, landing, {f: n for f, n in loaded.items() if f not in twins},
                        set(files) - set(twins), guards.allow_shrink)  # raises before anything changes
    _reset_if_spec_changed(con, source, spec_hash)
    results = [FileLoad(source.id, source.path, "", 0, 0, 0, note=note)] if note else []
    for (gone,) in con.execute("SELECT file FROM load_log WHERE source = ?", [source.id]).fetchall():
        if gone not in files or gone in twins:
            con.execute("BEGIN")
            _forget_file(con, source, gone)
            con.execute("COMMIT")
    todo, aside = [], []
    for rel, path in files.items():
        if rel in unreadable:  # its rows of an earlier load stay, as for any file that cannot be read
            aside.append(FileLoad(source.id, rel, "", 0, 0, 0, error=unreadable[rel]))
        elif rel in twins:
            aside.append(FileLoad(source.id, rel, shas[rel], 0, 0, 0, skipped=True,
                                       note=duplicate_note(rel, twins[rel])))
        else:
            todo.append((rel, path))

    def one(cur: duckdb.DuckDBPyConnection, rel: str, path: Path, alone: bool) -> FileLoad:
        try:
            return load_file(cur, source, path, rel, codelists, spec_file, spec_hash, key, shas[rel], guards, today,
                             hashed_at.get(rel), alone)
        except ExtractError as err:
            return FileLoad(source.id, rel, shas[rel], 0, 0, 0, error=str(err))

    place = {rel: i for i, rel in enumerate(files)}  # the files' order, a file set aside in its own place
    return results + sorted(aside + load_files(con, raw_table(source.id), todo, one), key=lambda f: place[f.file])
