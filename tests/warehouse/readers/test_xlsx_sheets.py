"""Excel staging: which sheet is read, where its header is, and every cell kept as text."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from validators.spec.model import Column, Labels, Source
from warehouse.readers import ExtractError, stage_file


def _source(**kw) -> Source:
    return Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="xlsx",
                  path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")],
                  **kw)


def _book(path: Path, sheets: dict[str, dict[int, list]]) -> Path:
    """sheets: name -> {row index (0-based): values}; rows not given stay empty."""
    book = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, values in rows.items():
            sheet.write_row(r, 0, values)
    book.close()
    return path


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * EXCLUDE (_seq) FROM _stage ORDER BY _row").fetchall()


def test_a_source_without_a_sheet_reads_the_first_sheet(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Datos": {0: ["AÑO", "N"], 1: [2019, 3]},
                                       "Notas": {0: ["AÑO", "N"], 1: [1900, 0]}})
    con = duckdb.connect()
    assert stage_file(con, path, _source()).rows == 1
    assert _rows(con) == [("2019", "3", 2)]


def test_a_header_below_an_empty_first_row_is_read_from_the_declared_row(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Datos": {1: ["AÑO", "N"], 2: [2019, 3]}})
    con = duckdb.connect()
    staged = stage_file(con, path, _source(header_row=2))
    assert (staged.headers, staged.rows) == (["AÑO", "N"], 1)
    assert _rows(con) == [("2019", "3", 3)]


def test_a_sheet_with_its_header_and_no_rows_stages_nothing(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Datos": {0: ["AÑO", "N"]}})
    con = duckdb.connect()
    staged = stage_file(con, path, _source())
    assert (staged.headers, staged.rows, staged.rejects) == (["AÑO", "N"], 0, [])
    assert _rows(con) == []


def test_a_header_row_past_the_end_of_the_sheet_is_named(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"Datos": {0: ["AÑO", "N"]}})
    with pytest.raises(ExtractError) as err:
        stage_file(duckdb.connect(), path, _source(header_row=3))
    assert str(err.value) == "b.xlsx: sheet 'Datos' has no header on row 3"


def test_a_column_left_empty_throughout_is_staged_as_text(tmp_path):
    # the load SQL matches every cell against text patterns: an untyped (NULL) column must not reach it
    path = _book(tmp_path / "b.xlsx", {"Datos": {0: ["AÑO", "NOTA", "N"], 1: [2019, None, 3], 2: [2020, None, 4]}})
    con = duckdb.connect()
    stage_file(con, path, _source())
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE _stage)").fetchall())
    assert types == {"c0": "VARCHAR", "c1": "VARCHAR", "c2": "VARCHAR", "_row": "BIGINT", "_seq": "BIGINT"}
    assert _rows(con) == [("2019", None, "3", 2), ("2020", None, "4", 3)]
