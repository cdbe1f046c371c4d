"""A source's files loaded two at a time, each on its own DuckDB cursor and in its own transaction.

Measured on four yearly movement files (2.9 M rows): 13.8 s one at a time, 11.2 s two at a time,
the same rows, record numbers, quarantine and load log (tests/warehouse/test_load.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import duckdb

from .db import table_exists

Result = TypeVar("Result")  # what loading one file gives (warehouse.load.FileLoad)

# Files loaded at once, each on its own cursor and in its own transaction: a file's staging runs
# on one thread (the reader numbers records in file order), so a second file's typing and insert
# keep the other core busy meanwhile.
LOAD_WORKERS = 2
# Above this size a file is loaded alone: two stagings of 600 MB yearly files under the 1 GB
# memory_limit spill each other to disk (50 M rows: 375 s two at a time, against about 250 s
# expected from 10 M); monthly and 10 M-row yearly files (75-120 MB) gain about a fifth.
ALONE_ABOVE_BYTES = 256 * 2**20


def load_files(con: duckdb.DuckDBPyConnection, table: str, todo: list[tuple[str, Path]],
               one: Callable[[duckdb.DuckDBPyConnection, str, Path], Result]) -> list[Result]:
    """`one(cursor, rel, path)` for every file, in the files' order; two at a time once the raw
    table exists (two transactions creating it would conflict), one at a time if a file is large."""
    done: list[Result] = []
    while todo and not table_exists(con, table):
        rel, path = todo.pop(0)
        done.append(one(con, rel, path))
    if not todo:
        return done
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(item: tuple[str, Path]) -> Result:
        if not hasattr(local, "cur"):
            local.cur = con.cursor()
            with lock:
                cursors.append(local.cur)
        return one(local.cur, *item)

    try:
        workers = LOAD_WORKERS if all(_size(path) <= ALONE_ABOVE_BYTES for _, path in todo) else 1
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
