"""A file the readers cannot read gets a reason: the file, the line, the cause and what to declare.

Each case is a small broken copy of a real extract (IOM, UTF-8; MINSA, Latin-1 with CRLF; UNODC xlsx)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.catalogue import real_catalogue
from warehouse.readers import ExtractError, stage_file

ROOT = Path(__file__).resolve().parents[3]
CAT = real_catalogue()
IOM = "month,reporting_country,flow,nationality_iso3,n\n2022-01,PER,entry,AGO,1\n2022-01,PER,exit,ARG,5\n"


def refused(tmp_path: Path, name: str, data: bytes, source: str = "iom-movements") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with duckdb.connect() as con, pytest.raises(ExtractError) as err:
        stage_file(con, path, CAT.sources[source])
    return str(err.value)


def test_an_empty_file(tmp_path):
    assert refused(tmp_path, "e.csv", b"") == "e.csv: the file is empty (0 bytes); deliver the extract again"


def test_utf16(tmp_path):
    assert refused(tmp_path, "u.csv", IOM.encode("utf-16")) == (
        "u.csv line 1: the file is UTF-16 (little-endian) text; save it as UTF-8 (or Latin-1) and declare "
        "encoding: utf-8 (or encoding: latin-1) in specs/sources/iom-movements.yaml")


def test_latin1_bytes_in_a_utf8_source_are_quarantined_with_what_to_declare(tmp_path):
    path = tmp_path / "l.csv"
    path.write_bytes((IOM + "2022-02,PER,entry,PER,3\n" * 5000 + "2022-03,PER,entry,Perú,2\n").encode("latin-1"))
    with duckdb.connect() as con:
        staged = stage_file(con, path, CAT.sources["iom-movements"])
    assert staged.rows == 5002
    assert staged.rejects == [(5004, "2022-03,PER,entry,Per?,2", (
        "INVALID ENCODING: Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded. "
        "The file looks like Latin-1: declare encoding: latin-1 in specs/sources/iom-movements.yaml"))]


def test_mixed_line_endings(tmp_path):
    june = (ROOT / "warehouse/landing/minsa/fallecidos_covid_2020-06.csv").read_bytes()
    data = june + b"x,01/07/2020,40,MASCULINO,,LIMA,LIMA,LIMA\n"
    assert refused(tmp_path, "m.csv", data, "minsa-covid-deaths") == (
        "m.csv line 4636: mixed line endings (4635 lines end with CRLF, 1 with LF; this one with LF); "
        "save the file with one kind of line ending")


def test_an_unclosed_quote(tmp_path):
    data = (IOM + '2022-02,PER,"entry,BOL,4\n' + "2022-02,PER,exit,BOL,1\n" * 3).encode()
    assert refused(tmp_path, "q.csv", data) == (
        'q.csv line 4: a quote (") opens a field that is not closed before the end of the file; close the '
        "quote or remove it, and deliver the file again")


UNCLOSED = ('big.csv line {}: a quote (") opens a field that is not closed before the end of the file; '
            "close the quote or remove it, and deliver the file again")


@pytest.mark.parametrize("alone", [False, True])
def test_an_unclosed_quote_far_down_a_big_file_is_refused_as_in_a_small_one(tmp_path, alone):
    """Below the lines DuckDB samples, the reader does not fail on the quote: it made one reject
    of the lines after it up to some block of the file, then read on. 129,692 lines were lost
    (within a 1 % budget: one quarantined row) and the 20,308 records read after them numbered
    as if those lines did not exist. Near the end, the last ten lines went into the reject."""
    rows = [f"2022-02,PER,entry,BOL,{i}" for i in range(300_000)]
    for line in (150_001, 299_990):
        body = rows[:line - 2] + ['2022-02,PER,"entry,BOL,4'] + rows[line - 1:]
        path = tmp_path / "big.csv"
        path.write_text(IOM.splitlines()[0] + "\n" + "\n".join(body) + "\n", encoding="utf-8")
        with duckdb.connect() as con, pytest.raises(ExtractError) as err:
            stage_file(con, path, CAT.sources["iom-movements"], alone)
        assert str(err.value) == UNCLOSED.format(line)


def test_a_quote_closed_lines_below_or_left_open_on_the_last_line_loses_no_line(tmp_path):
    """A quoted cell over two lines is one record; a quote opened on the last line takes no other
    line with it: one reject, every record at its own line."""
    rows = [f"2022-02,PER,entry,BOL,{i + 2}" for i in range(300_000)]
    rows[100_000] = '2022-02,PER,entry,BOL,"100002\nstill 100002"'
    rows[-1] = '2022-02,PER,"entry,BOL,4'
    path = tmp_path / "big.csv"
    path.write_text(IOM.splitlines()[0] + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with duckdb.connect() as con:
        staged = stage_file(con, path, CAT.sources["iom-movements"], True)
        assert (staged.rows, [row for row, _, _ in staged.rejects]) == (299_999, [300_001])
        assert con.execute("SELECT count(*) FROM _stage WHERE split_part(c4, chr(10), 1) <> CAST(_row AS VARCHAR)"
                           ).fetchone() == (0,)


@pytest.mark.parametrize("cut", [0, 2000, None])
def test_a_zero_byte_truncated_or_corrupt_workbook(tmp_path, cut):
    real = next((ROOT / "warehouse/landing/unodc").glob("*.xlsx")).read_bytes()
    data = b"not a workbook" * 50 if cut is None else real[:cut]
    message = refused(tmp_path, "w.xlsx", data, "unodc-glotip")
    if cut == 0:
        assert message == "w.xlsx: the file is empty (0 bytes); deliver the workbook again"
    else:
        assert message == ("w.xlsx: not a readable Excel workbook (ZipError: invalid Zip archive: Could not find "
                           "EOCD); the file is truncated or damaged: deliver it again, saved from Excel as .xlsx")
