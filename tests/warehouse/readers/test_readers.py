"""One reader per file format: each stages a tiny real file as text, with the file's headers,
its record numbers in `_row` and, for CSV, the unreadable line as a reject with its row number."""

from __future__ import annotations

import typing
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from validators.spec.model import Column, Labels, Source
from warehouse.readers import READERS, ExtractError, stage_file


def _source(fmt: str, **kw) -> Source:
    return Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format=fmt,
                  path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")],
                  **kw)


def _staged(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * EXCLUDE (_seq) FROM _stage ORDER BY _row").fetchall()


def test_every_spec_format_has_a_reader() -> None:
    assert set(READERS) == set(typing.get_args(Source.model_fields["format"].annotation))


def test_csv_latin1_semicolon_with_one_unreadable_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.csv"
    lines = ["NOMBRE;AÑO;CIUDAD", "JOSÉ;2019;CUSCO", "MARÍA;2020", "ÑUSTA;2021;PUNO", "RAÚL;2022;LIMA"]
    path.write_bytes("\r\n".join(lines).encode("latin-1") + b"\r\n")
    con = duckdb.connect()
    staged = stage_file(con, path, _source("csv", encoding="latin-1", delimiter=";"))
    assert staged.headers == ["NOMBRE", "AÑO", "CIUDAD"]
    assert staged.rows == 3
    assert len(staged.rejects) == 1
    row, raw, reason = staged.rejects[0]
    assert row == 3
    assert raw.strip() == "MARÍA;2020"  # DuckDB keeps the previous line's LF in front of a CRLF line
    assert reason.startswith("MISSING COLUMNS")
    # the records after the reject keep their own line numbers
    assert _staged(con) == [("JOSÉ", "2019", "CUSCO", 2), ("ÑUSTA", "2021", "PUNO", 4),
                            ("RAÚL", "2022", "LIMA", 5)]


def test_csv_unreadable_file_is_an_extract_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match=r"^gone\.csv: cannot be read as latin-1 text separated by ';': IO Error"):
        stage_file(duckdb.connect(), tmp_path / "gone.csv", _source("csv", encoding="latin-1", delimiter=";"))


def test_parquet_cells_become_text(tmp_path: Path) -> None:
    path = tmp_path / "tiny.parquet"
    pq.write_table(pa.table({"AÑO": [2019, 2020, None], "SEXO": ["F", None, "M"]}), path)
    con = duckdb.connect()
    staged = stage_file(con, path, _source("parquet"))
    assert staged.headers == ["AÑO", "SEXO"]
    assert staged.rows == 3
    assert staged.rejects == []
    assert _staged(con) == [("2019", "F", 2), ("2020", None, 3), (None, "M", 4)]


def test_xlsx_named_sheet_header_on_row_two(tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Notas").write(0, 0, "not this sheet")
    sheet = book.add_worksheet("Datos")
    sheet.write_row(0, 0, ["Cuadro 1: título"])
    sheet.write_row(1, 0, [" AÑO ", "NACIONALIDAD", "CANTIDAD"])
    sheet.write_row(2, 0, [2019, "VENEZUELA", 12.5])
    sheet.write_row(3, 0, [2020, "", 7])
    book.close()
    con = duckdb.connect()
    staged = stage_file(con, path, _source("xlsx", sheet="Datos", header_row=2))
    assert staged.headers == ["AÑO", "NACIONALIDAD", "CANTIDAD"]
    assert staged.rows == 2
    assert staged.rejects == []
    assert _staged(con) == [("2019", "VENEZUELA", "12.5", 3), ("2020", None, "7", 4)]
    with pytest.raises(ExtractError, match=r"no sheet 'Hoja1'; the workbook has: Notas, Datos$"):
        stage_file(con, path, _source("xlsx", sheet="Hoja1"))


def _tiny(tmp_path: Path, fmt: str) -> Path:
    """The same three records (one CSV line unreadable between them) in each format."""
    path = tmp_path / f"tiny.{fmt}"
    if fmt == "csv":
        path.write_text("AÑO,CIUDAD\n2019,CUSCO\n2020\n2021,PUNO\n2022,LIMA\n", encoding="utf-8")
    elif fmt == "parquet":
        pq.write_table(pa.table({"AÑO": ["2019", "2021", "2022"], "CIUDAD": ["CUSCO", "PUNO", "LIMA"]}), path)
    else:
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet()
        for r, row in enumerate([["AÑO", "CIUDAD"], ["2019", "CUSCO"], ["2021", "PUNO"], ["2022", "LIMA"]]):
            sheet.write_row(r, 0, row)
        book.close()
    return path


@pytest.mark.parametrize(("fmt", "alone"), [(fmt, False) for fmt in sorted(READERS)] + [("csv", True)])
def test_every_reader_stores_a_distinct_seq_per_record_that_a_join_filters_in_the_scan(tmp_path, fmt, alone) -> None:
    # The load picks a file's few bad rows by `_seq`: a join on a stored column is pushed into the
    # scan as a dynamic filter, so the other rows' cells are never read; on the computed `_row` the
    # scan reads every row and the join drops them afterwards.
    con = duckdb.connect()
    stage_file(con, _tiny(tmp_path, fmt), _source(fmt), alone)
    rows = con.execute("SELECT _seq, _row, c1 FROM _stage ORDER BY _row").fetchall()
    assert [c for _, _, c in rows] == ["CUSCO", "PUNO", "LIMA"]
    assert len({seq for seq, _, _ in rows}) == 3
    con.execute("CREATE TABLE wanted AS SELECT unnest(?) AS seq", [[rows[0][0], rows[2][0]]])
    query = "SELECT c1, _row FROM _stage WHERE _seq IN (SELECT seq FROM wanted)"
    assert sorted(con.execute(query).fetchall()) == [("CUSCO", 2), ("LIMA", 5 if fmt == "csv" else 4)]
    assert "Dynamic Filters:" in con.execute("EXPLAIN ANALYZE " + query).fetchall()[0][1]
