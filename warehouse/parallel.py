"""A source's files loaded two at a time, each on its own DuckDB cursor and in its own transaction.

Measured on four yearly movement files (2.9 M rows): 13.8 s one at a time, 11.2 s two at a time,
the same rows, record numbers, quarantine and load log (tests/warehouse/test_load.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import duckdb

from .db import table_exists

Result = TypeVar("Result")  # what loading one file gives (warehouse.load.FileLoad)

# Files loaded at once, each on its own cursor and in its own transaction: while two load, a
# file's staging runs on one thread (the reader numbers records in file order), so a second file's
# typing and insert keep the other core busy meanwhile. A file loading alone is staged on every
# core (readers/csv.py).
LOAD_WORKERS = 2
# A staged file takes about 1.4 times its size in DuckDB's memory (830 MB for a 600 MB yearly file
# of 4 M movements). Two files load at once only if two stagings fit in four fifths of the memory
# limit; otherwise each spills the other to disk and two at a time gains nothing. Four such files:
# 49.6 s two at a time and 47.6 s one at a time under the 1 GB default, 41.0 s two at a time
# under 2.5 GB (LOIPR_DUCKDB_MEMORY). Under 1 GB, files up to 285 MB (10 M movements: 24-126 MB) pair.
STAGED_PER_BYTE = 1.4
UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
         "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """DuckDB's memory limit in bytes, from the setting as DuckDB prints it ('953.6 MiB')."""
    text = str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    found = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]+)\s*", text)
    if not found or found.group(2) not in UNITS:
        raise ValueError(f"unexpected DuckDB memory_limit {text!r}")
    return int(float(found.group(1)) * UNITS[found.group(2)])


def two_fit(sizes: list[int], limit: int) -> bool:
    """Whether the two largest files' stagings fit in four fifths of the memory limit together."""
    two = sorted(sizes)[-2:]
    return len(two) < 2 or STAGED_PER_BYTE * sum(two) <= 0.8 * limit


def load_files(con: duckdb.DuckDBPyConnection, table: str, todo: list[tuple[str, Path]],
               one: Callable[[duckdb.DuckDBPyConnection, str, Path, bool], Result]) -> list[Result]:
    """`one(cursor, rel, path, alone)` for every file, in the files' order; two at a time once the
    raw table exists (two transactions creating it would conflict), one at a time if two of the
    files would not be staged together within the memory limit. `alone`: no other file loads
    meanwhile, so the file's staging may change DuckDB's global settings (readers/csv.py)."""
    done: list[Result] = []
    while todo and not table_exists(con, table):
        rel, path = todo.pop(0)
        done.append(one(con, rel, path, True))
    if not todo:
        return done
    pair = two_fit([_size(path) for _, path in todo], memory_limit_bytes(con))
    workers = min(LOAD_WORKERS, len(todo)) if pair else 1  # one file left (a monthly delivery): alone
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(item: tuple[str, Path]) -> Result:
        if not hasattr(local, "cur"):
            local.cur = con.cursor()
            with lock:
                cursors.append(local.cur)
        return one(local.cur, *item, workers == 1)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return done + list(pool.map(run, todo))
    finally:
        for cur in cursors:
            cur.close()


def _size(path: Path) -> int:
    """The file's size; 0 if it cannot be read (loading it then reports why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
