"""CSV staging: every readable record keeps the line number a steward finds it at in the file,
whatever the title lines above the header and however many lines were unreadable around it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from validators.spec.model import Column, Labels, Source
from warehouse.readers import stage_file
from warehouse.readers.csv import CASE_SHIFTS, shift_sql


def _source(**kw) -> Source:
    return Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="csv",
                  path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")],
                  **kw)


def _stage(tmp_path: Path, lines: list[str], **kw) -> tuple[duckdb.DuckDBPyConnection, object]:
    return _stage_bytes(tmp_path, ("\n".join(lines) + "\n").encode("utf-8"), **kw)


def _stage_bytes(tmp_path: Path, body: bytes, **kw) -> tuple[duckdb.DuckDBPyConnection, object]:
    """The file's bytes staged; the reject lines and the records with their numbers are then read."""
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    con = duckdb.connect()
    return con, stage_file(con, path, _source(**kw))


def _rejected_and_rows(tmp_path: Path, body: bytes, **kw) -> tuple[list[int], list[tuple]]:
    con, staged = _stage_bytes(tmp_path, body, **kw)
    return [row for row, _, _ in staged.rejects], _rows(con)


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * EXCLUDE (_seq) FROM _stage ORDER BY _row").fetchall()


def test_a_clean_file_numbers_records_from_the_line_after_a_header_on_row_three(tmp_path):
    con, staged = _stage(tmp_path, ["Cuadro 1", "Fuente: INEI", "AÑO,CIUDAD", "2019,CUSCO", "2020,PUNO"],
                         header_row=3)
    assert (staged.headers, staged.rows, staged.rejects) == (["AÑO", "CIUDAD"], 2, [])
    assert _rows(con) == [("2019", "CUSCO", 4), ("2020", "PUNO", 5)]
    assert con.execute("SELECT * FROM _stage_text").fetchall() == [("2019", "CUSCO"), ("2020", "PUNO")]


def test_unreadable_lines_below_a_header_on_row_two_keep_their_line_numbers(tmp_path):
    lines = ["Cuadro 1", "AÑO,CIUDAD", "2019,CUSCO", "2019", "2020,PUNO", "2020,LIMA,X", "2021,ICA"]
    con, staged = _stage(tmp_path, lines, header_row=2)
    assert [(row, raw.strip()) for row, raw, _ in staged.rejects] == [(4, "2019"), (6, "2020,LIMA,X")]
    assert _rows(con) == [("2019", "CUSCO", 3), ("2020", "PUNO", 5), ("2021", "ICA", 7)]


def test_hundreds_of_unreadable_lines_leave_every_record_at_its_own_line(tmp_path):
    # more rejects than CASE_SHIFTS takes the joined numbering; runs of rejects side by side included
    lines, expected = ["AÑO,CIUDAD"], []
    for i in range(2 * CASE_SHIFTS):
        if i % 3 == 0:
            lines.append(f"{2000 + i % 20},C{i}")
            expected.append((f"{2000 + i % 20}", f"C{i}", len(lines)))
        else:
            lines.append("2019")  # too few columns: a reject
    con, staged = _stage(tmp_path, lines)
    assert len(staged.rejects) > CASE_SHIFTS
    assert [r[0] for r in staged.rejects] == [n for n in range(2, len(lines) + 1) if (n - 2) % 3]
    assert _rows(con) == expected


def test_a_short_row_in_a_utf8_file_is_not_told_to_declare_latin1(tmp_path):
    _, staged = _stage(tmp_path, ["AÑO,CIUDAD", "2019,CUSCO", "2019"])
    (_, _, reason), = staged.rejects
    assert reason.startswith("MISSING COLUMNS")
    assert "Latin-1" not in reason


def test_a_header_holding_a_double_quote_keeps_its_name(tmp_path):
    con, staged = _stage(tmp_path, ['AÑO,"CIUDAD ""natal"""', "2019,CUSCO"])
    assert staged.headers == ["AÑO", 'CIUDAD "natal"']
    assert _rows(con) == [("2019", "CUSCO", 2)]


def test_empty_lines_between_records_are_not_records_and_leave_every_record_at_its_own_line(tmp_path):
    # DuckDB skips an empty line of a file with several columns, but counts it in a reject's line
    lines = ["Cuadro 1", "AÑO,CIUDAD", "2019,CUSCO", "", "2020,PUNO", "2020", "", "", "2021,ICA", ""]
    con, staged = _stage(tmp_path, lines, header_row=2)
    assert [(row, raw.strip()) for row, raw, _ in staged.rejects] == [(6, "2020")]
    assert _rows(con) == [("2019", "CUSCO", 3), ("2020", "PUNO", 5), ("2021", "ICA", 9)]


def test_an_empty_crlf_line_leaves_the_records_below_at_their_own_lines(tmp_path):
    assert _rejected_and_rows(tmp_path, b"A\xc3\x91O,CIUDAD\r\n2019,CUSCO\r\n\r\n2020,PUNO\r\n2021\r\n2022,ICA\r\n") == (
        [5], [("2019", "CUSCO", 2), ("2020", "PUNO", 4), ("2022", "ICA", 6)])


@pytest.mark.parametrize("alone", [False, True])
def test_a_file_read_in_parallel_chunks_numbers_every_record_at_its_own_line(tmp_path, alone):
    """300,000 records (24 MB, read by several threads, written unordered; or alone, read on every
    core in order, numbered by rowid) with short, long and Latin-1 lines at the first, last and
    scattered lines: each record's number is its line."""
    import random

    random.seed(2026)
    n = 300_000
    bad = set(random.sample(range(2, n + 2), 2 * CASE_SHIFTS)) | {2, 3, 4, n, n + 1}
    body = []
    for line in range(2, n + 2):
        if line not in bad:
            body.append(f"{2000 + line % 20},{line},{'x' * 60}".encode())
        else:  # too few fields, too many, a byte that is not UTF-8
            body.append([f"{line}", f"2019,{line},x,y", f"2019,{line},\xff"][line % 3].encode("latin-1"))
    path = tmp_path / "big.csv"
    path.write_bytes(b"\n".join([b"A\xc3\x91O,LINE,PAD", *body]) + b"\n")
    con = duckdb.connect()
    staged = stage_file(con, path, _source(), alone)
    assert [row for row, _, _ in staged.rejects] == sorted(bad)
    assert staged.rows + len(staged.rejects) == n
    assert con.execute("SELECT count(*), count(*) FILTER (WHERE CAST(c1 AS BIGINT) = _row) FROM _stage"
                       ).fetchone() == (n - len(bad), n - len(bad))


def test_the_shift_search_counts_the_thresholds_at_or_below_each_record_as_bisect_does():
    """The nested CASE is a binary search: runs of equal thresholds (rejects side by side), one
    threshold, none, and every record from before the first to after the last."""
    import bisect
    import random

    random.seed(7)
    con = duckdb.connect()
    for n in (0, 1, 2, 3, 17, 300, CASE_SHIFTS):
        ts = sorted(random.choices(range(0, 3000), k=n) + ([5, 5, 5] if n == 3 else []))
        got = con.execute(f"SELECT {shift_sql(ts, 'k')} FROM range(3100) r(k) ORDER BY k").fetchall()
        assert [g for (g,) in got] == [bisect.bisect_right(ts, k) for k in range(3100)], n
    assert shift_sql([4], "k") == "CASE WHEN k >= 4 THEN 1 ELSE 0 END"


def test_exactly_case_shifts_rejects_and_empty_lines_in_a_crlf_file_below_a_title_keep_every_record_at_its_line(tmp_path):
    """The nested CASE at its limit, through the reader: a title line, CRLF, a reject on the first
    and the last line, a run of adjacent rejects and empty lines among them; one more goes to the join."""
    import random

    random.seed(23)
    for extra in (0, 1):
        n = 12_000
        empty = set(random.sample(sorted(set(range(10, n - 10)) - set(range(100, 600))), 300))
        bad = {3, n} | set(range(100, 600)) | set(random.sample(sorted(set(range(4, n)) - empty - set(range(100, 600))),
                                                                CASE_SHIFTS + extra - 302 - 500))
        assert len(bad) + len(empty) == CASE_SHIFTS + extra
        lines = [b"Cuadro 1", b"A\xc3\x91O,LINE"] + [
            b"" if ln in empty else f"{ln}".encode() if ln in bad else f"2019,{ln}".encode() for ln in range(3, n + 1)]
        path = tmp_path / f"f{extra}.csv"
        path.write_bytes(b"\r\n".join(lines) + b"\r\n")
        con = duckdb.connect()
        staged = stage_file(con, path, _source(header_row=2), alone=bool(extra))
        assert [row for row, _, _ in staged.rejects] == sorted(bad)
        good = [ln for ln in range(3, n + 1) if ln not in bad and ln not in empty]
        assert con.execute("SELECT CAST(c1 AS BIGINT), _row FROM _stage ORDER BY _row").fetchall() == [(g, g) for g in good]


def test_an_empty_line_inside_a_quoted_cell_is_part_of_its_record_and_shifts_no_number(tmp_path):
    """An empty line inside quotes is text of the cell, not a skipped line: counted as one, it gave
    the quoted record the number of the unreadable line below it (both quarantined, they counted as
    one row: rows read != loaded + quarantined). Reject lines count a record of several lines as
    one line, and so do the records' numbers; a quote inside an unquoted cell opens nothing."""
    assert _rejected_and_rows(tmp_path, b'A\xc3\x91O,LINE\n2019,"a\n\nb"\n2019\n2019,x\n\n2019,y\n') == (
        [3], [("2019", "a\n\nb", 2), ("2019", "x", 4), ("2019", "y", 6)])
    assert _rejected_and_rows(
        tmp_path, b'A\xc3\x91O,LINE\r\n2019,5"6\r\n\r\n2019,x\r\n2019\r\n2019,"p\r\nq"\r\n\r\n2019,y\r\n') == (
        [5], [("2019", '5"6', 2), ("2019", "x", 4), ("2019", "p\r\nq", 6), ("2019", "y", 8)])
    assert _rejected_and_rows(  # a title's quote opens nothing
        tmp_path, b'Cuadro "1\nA\xc3\x91O,LINE\n2019,x\n\n2019\n2019,y\n', header_row=2) == (
        [5], [("2019", "x", 3), ("2019", "y", 6)])


def test_lines_are_counted_with_or_without_a_final_line_break_across_read_blocks(tmp_path):
    from warehouse.readers.csv import line_count

    path = tmp_path / "f.csv"
    for body, lines in [(b"", 0), (b"a", 1), (b"a\n", 1), (b"a\nb", 2), (b"a\r\nb\r\n", 2), (b"\n\n", 2),
                        (b"x" * 20 + b"\ny", 2)]:
        path.write_bytes(body)
        assert line_count(path) == line_count(path, block=3) == lines, body


def test_a_file_with_as_many_lines_as_records_is_not_read_line_by_line(tmp_path, monkeypatch):
    """The count of lines settles that no line is empty; a file with one more line is read line by line."""
    from warehouse.readers import csv as csv_reader

    walked = []
    monkeypatch.setattr(csv_reader, "_closed_line", lambda delim: walked.append(delim) or (lambda line: True))
    path = tmp_path / "f.csv"
    path.write_bytes(b"A;B\r\n1;2\r\n3;4")
    assert csv_reader.empty_lines(path, 1, ";", records=2) == [] and walked == []
    path.write_bytes(b"A;B\r\n1;2\r\n\r\n3;4\r\n")
    assert csv_reader.empty_lines(path, 1, ";", records=2) == [3] and walked == [b";"]


def test_a_header_named_rowid_is_staged_as_a_column_and_the_records_still_numbered_by_line(tmp_path):
    """Alone, records are numbered by the table's rowid; a header called rowid would hide it, so
    such a file is numbered by the reader's ordinality instead."""
    path = tmp_path / "f.csv"
    path.write_bytes("AÑO,ROWID\n2019,9\n2020\n2021,7\n".encode())
    con = duckdb.connect()
    staged = stage_file(con, path, _source(), alone=True)
    assert (staged.headers, [r for r, _, _ in staged.rejects]) == (["AÑO", "ROWID"], [3])
    assert _rows(con) == [("2019", "9", 2), ("2021", "7", 4)]


@pytest.mark.parametrize("alone", [False, True])
def test_a_line_with_two_reader_errors_gets_them_in_one_order_whatever_the_threads(tmp_path, alone):
    """A line of one field in a file of three is two reader errors (Found: 1, Found: 2), grouped
    into one reason: aggregated unordered, their order followed the threads' scheduling, so the
    quarantine of the same file differed between runs and between loads one or two at a time."""
    lines = ["AÑO,B,C"] + ["2019" if i % 7 == 0 else f"2019,{i},x" for i in range(20_000)]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = ("MISSING COLUMNS: Expected Number of Columns: 3 Found: 1; "
                "MISSING COLUMNS: Expected Number of Columns: 3 Found: 2")
    for threads in (2, 4):
        staged = stage_file(duckdb.connect(config={"threads": threads}), path, _source(), alone)
        assert len(staged.rejects) == 2858 and {reason for _, _, reason in staged.rejects} == {expected}
