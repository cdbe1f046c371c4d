"""Read one extract file, as text, into `_stage` (columns c0..cN, `_row`: record number, header = 1;
`_seq`: a number the reader stored for each record, so that a filter on it reaches the scan, which
a filter on a computed `_row` cannot) and `_stage_text` (the columns alone, for passes that need no
record number).

Every cell stays text here: types are applied by the load SQL, so a bad value becomes a
quarantine row with its reason instead of a failed or silently sniffed column.
Records a reader cannot split are returned as rejects (row number, raw line, reason) to be quarantined.

One module per file format, each exposing `stage(con, path, source, alone) -> Staged`. A new source
format is one new module here plus one line in `READERS` (and its name in the spec model's
`Source.format`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from validators.spec.model import Source

from . import csv, parquet, xlsx
from .base import ExtractError, Staged

__all__ = ["READERS", "ExtractError", "Staged", "stage_file"]

Reader = Callable[[duckdb.DuckDBPyConnection, Path, Source, bool], Staged]

READERS: dict[str, Reader] = {"csv": csv.stage, "parquet": parquet.stage, "xlsx": xlsx.stage}


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, source: Source, alone: bool = False) -> Staged:
    """Stage one extract as text; raise ExtractError if the file as a whole is unreadable.

    `alone`: no other statement runs on the database meanwhile, so the CSV reader may set DuckDB's
    global insertion order and read the file on every core (readers/csv.py)."""
    return READERS[source.format](con, path, source, alone)
