"""Why a text extract cannot be read: the line a steward has to open, and what to fix there.

Cases go through `stage_file` where DuckDB fails on them; the diagnosis itself (`after_failure`,
run only once DuckDB has failed) is also called directly on files DuckDB happens to tolerate, so
its answer does not depend on what the DuckDB version refuses. Messages are checked word for word.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.catalogue import real_catalogue
from warehouse.readers import ExtractError, stage_file
from warehouse.readers.diagnose import after_failure

CAT = real_catalogue()
SPEC = "specs/sources/iom-movements.yaml"
HEADER = "month,reporting_country,flow,nationality_iso3,n"
ROW = "2022-02,PER,entry,BOL,4"


def text(*lines: str, end: str = "\n") -> str:
    """Lines each ended with `end` (the file's line ending)."""
    return "".join(line + end for line in lines)


def refused(tmp_path: Path, data: bytes, name: str = "f.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with duckdb.connect() as con, pytest.raises(ExtractError) as err:
        stage_file(con, path, CAT.sources["iom-movements"])
    return str(err.value)


def diagnosis(tmp_path: Path, data: bytes, encoding: str = "utf-8") -> str | None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return after_failure(path, encoding, SPEC)


def test_a_latin1_byte_in_a_file_that_fails_is_named_by_its_line_and_byte(tmp_path):
    # an accented name in Latin-1 on line 4, and an unclosed quote on line 5 that makes the read fail:
    # the encoding is the first thing to fix, so it is the one named
    data = text(HEADER, ROW, ROW, "2022-02,PER,entry,Perú,2", '2022-02,PER,"entry,BOL,4', ROW)
    assert refused(tmp_path, data.encode("latin-1")) == (
        f"f.csv line 4: byte 0xFA is not UTF-8; the file looks like Latin-1: declare encoding: latin-1 in {SPEC} "
        "(or save the file as UTF-8)")


def test_a_latin1_source_is_not_told_its_bytes_are_not_utf8(tmp_path):
    data = text(HEADER, "2022-02,PER,entry,Perú,2", '2022-02,PER,"entry,BOL,4').encode("latin-1")
    assert diagnosis(tmp_path, data, "latin-1") == (
        'f.csv line 3: a quote (") opens a field that is not closed before the end of the file; close the '
        "quote or remove it, and deliver the file again")


def test_mixed_line_endings_name_the_first_crlf_line_of_a_file_that_starts_with_lf(tmp_path):
    data = text(HEADER, ROW, ROW, ROW) + text(ROW, end="\r\n") + text(ROW)
    assert refused(tmp_path, data.encode()) == (
        "f.csv line 5: mixed line endings (1 lines end with CRLF, 5 with LF; this one with CRLF); "
        "save the file with one kind of line ending")


def test_nul_bytes_name_the_line_of_the_first_nul(tmp_path):
    data = text(HEADER, ROW, "2022-02,PER,en\0try,BOL,4", ROW, "2022-02,PER,exit,B\0L,1").encode()
    assert refused(tmp_path, data) == (
        "f.csv line 3: the file holds NUL bytes, so it is not utf-8 text (UTF-16, or not a text file at all); "
        "save it as UTF-8 CSV")


def test_bare_cr_line_endings_are_named(tmp_path):
    data = text(HEADER, ROW, ROW, end="\r").encode()
    assert diagnosis(tmp_path, data) == (
        "f.csv: lines end with a bare CR (old Mac style); save the file with LF or CRLF line endings")


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_well_formed_file_gets_no_made_up_cause(tmp_path, end):
    # then the reader's own error is shown (tests/warehouse/readers/test_readers.py)
    data = text(HEADER, ROW, '2022-02,PER,entry,"Bolivia, Estado Plurinacional de",4', ROW, end=end)
    assert diagnosis(tmp_path, data.encode()) is None


def test_quoted_fields_closed_on_their_line_or_the_next_are_not_called_unclosed(tmp_path):
    data = text(HEADER, '2022-02,PER,entry,"BOL",4', '2022-02,PER,entry,"Bolivia,', ' Estado",4',
                '"2022-02","PER","exit","BOL","1"') + text(ROW, end="\r\n")
    assert diagnosis(tmp_path, data.encode()) == (
        "f.csv line 6: mixed line endings (1 lines end with CRLF, 5 with LF; this one with CRLF); "
        "save the file with one kind of line ending")


@pytest.mark.parametrize("end", ["\n", "\r\n", ""])
def test_a_stray_quote_at_the_end_of_a_line_is_named(tmp_path, end):
    # "" = the last line of the file, with no line ending
    data = text(HEADER, ROW, ROW + '"', end=end) if end else text(HEADER, ROW) + ROW + '"'
    assert diagnosis(tmp_path, data.encode()) == (
        'f.csv line 3: a quote (") opens a field that is not closed before the end of the file; close the '
        "quote or remove it, and deliver the file again")
