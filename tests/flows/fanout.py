"""The scale-out tests' common set-up: three requests built in one process, and the snapshot the
fan-outs (a thread pool, a Dask cluster) read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from validators.spec.lint import load_catalogue
from warehouse.pipeline import build_one, load_one
from warehouse.snapshot import write_snapshot

FAN_OUT_REQUESTS = ["40a-movements-iom", "40f-covid-deaths", "40h-trafficking-victims"]
FAN_OUT_REFERENCE = date(2025, 12, 31)


def serial_builds_and_snapshot(project: Path, tmp_path: Path):
    """The requests' sources loaded into a warehouse and built there one by one, then written as a
    Parquet snapshot: (catalogue, the single-process tables, the snapshot folder)."""
    cat, _ = load_catalogue(project / "specs")
    db = tmp_path / "w.duckdb"
    sources = sorted({cat.requests[r].source for r in FAN_OUT_REQUESTS})
    for source in sources:
        load_one(db, cat, source, project / "landing", tmp_path / "key")
    serial = {r: build_one(db, cat, r, FAN_OUT_REFERENCE)[1] for r in FAN_OUT_REQUESTS}
    write_snapshot(db, cat, sources, tmp_path / "snapshot")
    return cat, serial, tmp_path / "snapshot"
