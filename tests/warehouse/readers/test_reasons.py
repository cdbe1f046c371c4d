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
