"""Row numbers stay exact after runs of consecutive unreadable lines (each row carries its own number)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from validators.spec.model import Source
from warehouse.readers import stage_file

SOURCE = Source.model_validate({
    "id": "rows", "owner": {"en": "x", "es": "x"}, "kind": "microdata", "format": "csv", "path": "*.csv",
    "delimiter": ";", "period_column": "d", "columns": [{"source": "N", "name": "n", "type": "string"},
                                                        {"source": "D", "name": "d", "type": "date"}]})
BAD = {3, 4, 5, 6, 11, 12, 20, 21, 22, 23, 24, 25, 40, 41}  # runs of 4, 2, 6 and 2 short lines


def _extract(path: Path, lines: int = 60) -> Path:
    body = [f"{r};2024-01-01" if r not in BAD else f"{r}" for r in range(2, lines + 1)]
    path.write_text("\n".join(["N;D", *body]) + "\n")
    return path


def test_each_readable_row_keeps_its_own_line_number_after_runs_of_rejects(tmp_path):
    con = duckdb.connect()
    staged = stage_file(con, _extract(tmp_path / "f.csv"), SOURCE)
    assert [r for r, _, _ in staged.rejects] == sorted(BAD)
    rows = con.execute("SELECT c0, _row FROM _stage ORDER BY _row").fetchall()
    assert [int(n) for n, _ in rows] == [r for _, r in rows]  # the value written on the line is its number
    assert len(rows) == 59 - len(BAD) and staged.rows == len(rows)


def test_rejects_at_the_first_and_last_lines(tmp_path):
    global BAD
    saved, BAD = BAD, {2, 3, 59, 60}
    try:
        con = duckdb.connect()
        staged = stage_file(con, _extract(tmp_path / "f.csv"), SOURCE)
        rows = con.execute("SELECT c0, _row FROM _stage ORDER BY _row").fetchall()
        assert [r for r, _, _ in staged.rejects] == [2, 3, 59, 60]
        assert [int(n) for n, _ in rows] == [r for _, r in rows] == list(range(4, 59))
    finally:
        BAD = saved


def test_many_rejects_number_rows_by_a_join_and_give_the_same_numbers(tmp_path, monkeypatch):
    from warehouse.readers import csv as csv_reader

    monkeypatch.setattr(csv_reader, "CASE_SHIFTS", 3)  # more rejects than a CASE takes: the ASOF join
    con = duckdb.connect()
    staged = stage_file(con, _extract(tmp_path / "f.csv"), SOURCE)
    rows = con.execute("SELECT c0, _row FROM _stage ORDER BY _row").fetchall()
    assert [int(n) for n, _ in rows] == [r for _, r in rows]
    assert len(rows) == 59 - len(BAD) and staged.rows == len(rows)
