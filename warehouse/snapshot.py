"""Read-only Parquet snapshots of the warehouse, so that table builds can fan out.

DuckDB allows one writer per file; a build only reads raw tables. Exporting them once to Parquet
lets any number of workers (threads, processes, or machines of a Dask cluster behind Prefect's
task runner) build tables at the same time, each in its own in-memory DuckDB over the snapshot.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from validators.spec.catalogue import Catalogue

from .cube import CubeInfo, build_cube
from .db import opened, raw_table


def write_snapshot(db: Path, cat: Catalogue, source_ids: list[str], folder: Path) -> list[Path]:
    """One Parquet file per raw table (written by the single writer, before the fan-out)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with opened(db) as con:
        for sid in source_ids:
            path = folder / f"{raw_table(sid).strip(chr(34))}.parquet"
            con.execute(f"COPY {raw_table(sid)} TO '{path}' (FORMAT parquet)")
            out.append(path)
    return out


def build_from_snapshot(folder: Path, cat: Catalogue, request_id: str, reference: date) -> tuple[CubeInfo, pd.DataFrame]:
    """Build one request's table in a private in-memory DuckDB reading the snapshot."""
    req = cat.requests[request_id]
    con = duckdb.connect()
    try:
        name = raw_table(req.source)
        path = folder / f"{name.strip(chr(34))}.parquet"
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        info = build_cube(con, req, cat.sources[req.source], cat.codelists, reference)
        return info, con.execute(f"SELECT * FROM {info.table}").df()
    finally:
        con.close()
