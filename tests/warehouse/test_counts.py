"""A microdata table is summed from per-file counts: the same numbers as counting every row, and a
new month's file is counted on its own (the years loaded before are not read again)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from validators.spec.lint import load_catalogue
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source
from warehouse.samples.movements import write_movements
from warehouse.snapshot import build_from_snapshot, write_snapshot

ROOT = Path(__file__).resolve().parents[2]
REQUEST = "40a-movements"
REFERENCE = date(2026, 1, 31)


def _load(con, cat, landing: Path) -> None:
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], "k", today=date(2026, 2, 1))


def _built(con, cat) -> pd.DataFrame:
    req = cat.requests[REQUEST]
    info = build_cube(con, req, cat.sources[req.source], cat.codelists, REFERENCE)
    return con.execute(f"SELECT * FROM {info.table}").df()


def _counted_directly(tmp_path: Path, db: Path, cat) -> pd.DataFrame:
    """The same request over a Parquet snapshot: no load log there, so every row is counted."""
    write_snapshot(db, cat, ["migraciones-movements"], tmp_path / "snap")
    return build_from_snapshot(tmp_path / "snap", cat, REQUEST, REFERENCE)[1]


def test_summed_counts_equal_counted_rows_and_a_new_month_is_counted_alone(tmp_path):
    cat, _ = load_catalogue(ROOT / "specs")
    landing = tmp_path / "landing"
    write_movements(landing / "migraciones", rows=3000, seed=7, start_year=2022, end_year=2025)
    db = tmp_path / "w.duckdb"
    con = connect(db)
    _load(con, cat, landing)
    first = _built(con, cat)
    counts = con.execute("SELECT file, sha256, time_period, _n FROM counts_40a_movements ORDER BY ALL").fetchall()
    assert {f for f, *_ in counts} == {f"migraciones/movimientos_migratorios_{y}.csv" for y in range(2022, 2026)}

    month = landing / "migraciones" / "movimientos_migratorios_2026-01.csv"
    year = write_movements(tmp_path / "next", rows=1200, seed=8, start_year=2026, end_year=2026)[0]
    lines = year.read_bytes().splitlines(keepends=True)
    month.write_bytes(lines[0] + b"".join(x for x in lines[1:] if x.split(b";")[1].endswith(b"/01/2026")))
    _load(con, cat, landing)
    again = _built(con, cat)
    after = con.execute("SELECT file, sha256, time_period, _n FROM counts_40a_movements ORDER BY ALL").fetchall()
    assert [c for c in after if not c[0].endswith("2026-01.csv")] == counts  # the years are not counted again
    assert {c[2] for c in after if c[0].endswith("2026-01.csv")} == {"2026"}
    assert sum(c[3] for c in after if c[0].endswith("2026-01.csv")) > 50  # January's rows, counted once
    con.close()

    pd.testing.assert_frame_equal(again, _counted_directly(tmp_path, db, cat))
    pd.testing.assert_frame_equal(again, first)  # 2026 is not a whole year yet: the table is unchanged


def test_a_source_reloaded_under_a_changed_spec_is_counted_again(tmp_path):
    cat, _ = load_catalogue(ROOT / "specs")
    landing = tmp_path / "landing"
    write_movements(landing / "migraciones", rows=2000, seed=9, start_year=2023, end_year=2025)
    con = connect(tmp_path / "w.duckdb")
    _load(con, cat, landing)
    _built(con, cat)
    source = cat.sources["migraciones-movements"]  # KRYPTON (planted bad label) now maps to stateless
    column = source.column("nationality")
    changed = source.model_copy(update={"columns": [
        c.model_copy(update={"recode": {**c.recode, "KRYPTON": "XXA"}}) if c is column else c
        for c in source.columns]})
    shown = cat.files[("sources", source.id)]
    load_source(con, changed, landing, cat.codelists, shown, "another-spec-hash", "k", today=date(2026, 2, 1))
    req = cat.requests[REQUEST]
    info = build_cube(con, req, changed, cat.codelists, REFERENCE)
    counted = con.execute("SELECT sum(_n) FROM counts_40a_movements").fetchall()[0][0]
    assert counted == con.execute("SELECT count(*) FROM raw_migraciones_movements").fetchall()[0][0]
    assert info.rows > 0
    con.close()
