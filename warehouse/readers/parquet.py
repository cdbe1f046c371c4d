"""Parquet: every column cast to text; a Parquet file has no unreadable rows, so no rejects."""

from __future__ import annotations

from pathlib import Path

import duckdb

from validators.spec.model import Source

from ..db import quote
from .base import ExtractError, Staged


def stage(con: duckdb.DuckDBPyConnection, path: Path, source: Source, alone: bool = False) -> Staged:
    # `alone` changes nothing here: the Parquet reader numbers rows in parallel already
    # Rows are numbered by their place in the file, never by rowid: the load writes tables
    # unordered (preserve_insertion_order is a global setting, so another file's insert on
    # another cursor changes it for this one too), and rowid then follows no file order.
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _stage_in AS SELECT * FROM read_parquet($path, file_row_number=true)",
                    {"path": str(path)})
    except duckdb.Error as err:  # one bad delivery is a finding on its source, not the end of the run
        if isinstance(err, duckdb.BinderException) and "file_row_number" in str(err):
            raise ExtractError(f"{path.name}: a column is named file_row_number, the name the reader gives each "
                               f"row's place in the file; rename that column in the extract") from None
        raise ExtractError(f"{path.name}: cannot be read as Parquet: {str(err).splitlines()[0]}") from None
    *names, number = [d[0] for d in con.execute("SELECT * FROM _stage_in LIMIT 0").description]
    cols = ", ".join(f'CAST("{n.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS c{i}' for i, n in enumerate(names))
    con.execute(f"CREATE OR REPLACE TEMP VIEW _stage_text AS SELECT {cols} FROM _stage_in")
    con.execute(f"CREATE OR REPLACE TEMP VIEW _stage AS SELECT {cols}, {quote(number)} + 2 AS _row, {quote(number)} AS _seq "
                f"FROM _stage_in")
    return Staged(names, con.execute("SELECT count(*) FROM _stage_in").fetchall()[0][0], [])
