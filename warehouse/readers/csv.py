"""Delimited text: the source's encoding, separator and header row; unsplittable rows become rejects.

Rows the CSV reader cannot split are returned as rejects (line, reason) to be quarantined; the
readable records keep their own record numbers in `_row`.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from validators.spec.model import Source

from ..db import ORDERED, UNORDERED, quote, scoped
from .base import ExtractError, Staged
from .diagnose import after_failure, before_reading, unclosed_quote

# Up to this many rejects, records are numbered by a CASE over constants (no join); above, by an
# ASOF join, which sorts every record: 6.9 of 10.1 s of the insert of a 4,000,000-row file with 534
# rejects, and again in every later pass over `_stage`.
CASE_SHIFTS = 4096


def shift_sql(shifts: list[int], record: str) -> str:
    """The count of rejects before the 0-based `record`: a binary search over the sorted
    thresholds written as nested CASEs, so a record takes about log2(len(shifts)) comparisons (12
    for 4,096 rejects) where a flat CASE took one per reject."""
    ts = sorted(int(t) for t in shifts)

    def count(lo: int, hi: int) -> str:  # the count lies in [lo, hi]
        if lo == hi:
            return str(lo)
        mid = (lo + hi + 1) // 2  # at least `mid` thresholds are passed iff the mid-th is
        return f"CASE WHEN {record} >= {ts[mid - 1]} THEN {count(mid, hi)} ELSE {count(lo, mid - 1)} END"

    return count(0, len(ts))


def _stage_view(con: duckdb.DuckDBPyConnection, names: list[str], seq: str, first: int, header_row: int,
                shifts: list[int]) -> None:
    """`_stage`: a view over `_stage_in` naming columns c0..cN and numbering records, without a copy.

    `seq` is the stored column that orders the readable records as the file does, `first` its
    value for the first: the k-th record (0-based) has seq first + k. Reject j
    (1-based, sorted) sits at record L_j and shifts every readable record with k >= L_j - header - j.
    Up to CASE_SHIFTS rejects: a binary search written as CASEs (no join, so every pass over
    `_stage` stays a plain scan); more: an ASOF join gives each record the count of rejects before
    it in one sorted pass.
    """
    cols = ", ".join(f's."{n.replace(chr(34), chr(34) * 2)}" AS c{i}' for i, n in enumerate(names))
    base = int(header_row)
    k = f"(s.{seq} - {first})" if first else f"s.{seq}"  # the 0-based index of the readable record
    # the text alone, for the passes that need no record number (label maps, record keys)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _stage_text AS SELECT {cols} FROM _stage_in s")
    if len(shifts) <= CASE_SHIFTS:
        shift = f" + {shift_sql(shifts, k)}" if shifts else ""
        con.execute(f"CREATE OR REPLACE TEMP VIEW _stage AS SELECT {cols}, {k} + {base + 1}{shift} AS _row, "
                    f"s.{seq} AS _seq FROM _stage_in s")
        return
    _shift_table(con, shifts)
    con.execute(f"""CREATE OR REPLACE TEMP VIEW _stage AS
        SELECT {cols}, {k} + {base + 1} + coalesce(sh.n, 0) AS _row, s.{seq} AS _seq
        FROM _stage_in s ASOF LEFT JOIN (SELECT t, max(n) AS n FROM
          (SELECT t, row_number() OVER (ORDER BY t) AS n FROM _shift) GROUP BY t) sh
          ON {k} >= sh.t""")  # a run of k rejects gives k equal t: the record after it moves by all k


def empty_lines(path: Path, header_row: int, delimiter: str = ",", records: int | None = None) -> list[int]:
    """The numbers of the empty lines below the header (LF or CRLF). DuckDB skips them in a file of
    several columns, so, like rejects, they shift the records below. `records`: the records and
    rejects DuckDB read; when the file has exactly that many lines below the header, none is
    empty, and the file is not read line by line.

    Lines are numbered as DuckDB numbers rejects: a record whose quoted cell spans several lines is
    one line, and an empty line inside the quotes is the cell's text, not a skipped line."""
    return _walked(path, header_row, delimiter, records)[0]


def _walked(path: Path, header_row: int, delimiter: str, records: int | None) -> tuple[list[int], int | None]:
    """The empty lines (see `empty_lines`), and the line of a quote that opens a field no later
    line closes, when lines follow it: DuckDB put those lines into one reject with it (in a big
    file, then read on from some later block, so the records after were misnumbered too)."""
    if records is not None and line_count(path) == header_row + records:
        return [], None  # no line taken into another: every line is a record or a reject
    out, n, quoted, delim = [], 0, False, delimiter.encode("latin-1")
    opened = physical = 0
    closed = _closed_line(delim)
    with path.open("rb") as fh:
        for physical, line in enumerate(fh, start=1):
            if not quoted:
                n += 1
                if n > header_row and line in (b"\n", b"\r\n"):
                    out.append(n)
            if quoted or (n >= header_row and b'"' in line and not closed(line.rstrip(b"\r\n"))):  # titles: skipped
                was = quoted
                quoted = _open_quote(line.rstrip(b"\r\n"), delim, quoted)
                opened = physical if quoted and not was else opened
    return out, (opened if quoted and opened < physical else None)


def line_count(path: Path, block: int = 8 << 20) -> int:
    """Lines in the file, the last one with or without its line break, read in blocks: memory
    stays flat (mapping the file made a 3 GB yearly file count 3 GB of the process's memory) and
    counting line breaks is twice as fast as searching for two in a row (3.0 against 7.7 s)."""
    buf, lines, last = bytearray(block), 0, b"\n"
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            lines += buf.count(b"\n", 0, n)
            last = bytes(buf[n - 1:n])
    return lines + (last != b"\n")


def _closed_line(delim: bytes):
    """A test that a whole line is well-formed cells, every quoted one closed: the common case at
    regex speed (a third less time than walking every quoted line); a line it fails is walked."""
    if len(delim) != 1:
        return lambda line: False
    d = re.escape(delim)
    cell = b'(?:"(?:[^"]|"")*"|[^"' + d + b"][^" + d + b"]*|)"
    return re.compile(cell + b"(?:" + d + cell + b")*").fullmatch


def _open_quote(line: bytes, delim: bytes, quoted: bool) -> bool:
    """Whether a quoted cell is still open at the end of `line` (quote and escape '"'); a quote
    opens a cell only at its start, as DuckDB reads it."""
    i, start = 0, not quoted
    while i < len(line):
        if quoted:
            j = line.find(b'"', i)
            if j < 0:
                return True
            if line[j + 1:j + 2] == b'"':
                i = j + 2
                continue
            quoted, start, i = False, False, j + 1
        elif start and line[i:i + 1] == b'"':
            quoted, i = True, i + 1
        else:
            j = line.find(delim, i)
            if j < 0:
                return False
            start, i = True, j + len(delim)
    return quoted


def shifts_of(reject_rows: list[int], header_row: int) -> list[int]:
    return [line - header_row - j for j, line in enumerate(sorted(reject_rows), start=1)]


def _shift_table(con: duckdb.DuckDBPyConnection, shifts: list[int]) -> None:
    import pyarrow as pa

    con.register("_shift_arrow", pa.table({"t": pa.array(shifts, type=pa.int64())}))
    con.execute("CREATE OR REPLACE TEMP TABLE _shift AS SELECT t FROM _shift_arrow")  # one call, not one per reject
    con.unregister("_shift_arrow")


def _with_fix(reason: str, source: Source, spec_file: str) -> str:
    """A reject's reason, with what to declare when the cause is the file's encoding."""
    if "INVALID ENCODING" in reason and source.encoding == "utf-8":
        return f"{reason} The file looks like Latin-1: declare encoding: latin-1 in {spec_file}"
    return reason


# Every cell as text; rows the reader cannot split go to `_rejects` with their line.
READ = """read_csv($path, delim=$delim, header=true, encoding=$enc, all_varchar=true, quote='"', escape='"',
    skip=$skip, store_rejects=true, rejects_table='_rejects', rejects_scan='_rejects_scan', auto_detect=true,
    null_padding=false)"""


def _staged_in(con: duckdb.DuckDBPyConnection, params: dict[str, object], alone: bool) -> tuple[list[str], str, int]:
    """`_stage_in` from the file: its headers, the stored column that orders its records as the
    file does, and that column's value on the first record.

    A file loading alone is read on every core with insertion order kept, so a record's rowid is
    its place in the file: 4.1 against 5.8 s (6.7 against 5.8 CPU s) to stage a 4,000,000-row
    yearly file of the 50 M bench. Files loading two at a time are numbered by the reader's
    ordinality, which reads on one thread but lets the table be written unordered: the insertion
    order is one setting for the whole database, and the other file's statements turn it off
    meanwhile (db.scoped)."""
    def read(settings: dict[str, str], numbered: str) -> list[str]:
        con.execute("DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _rejects_scan")
        with scoped(con, settings):
            con.execute(f"CREATE OR REPLACE TEMP TABLE _stage_in AS SELECT * FROM {READ}{numbered}", params)
        return [d[0] for d in con.execute("SELECT * FROM _stage_in LIMIT 0").description]

    if alone:
        names = read(ORDERED, "")
        if all(n.lower() != "rowid" for n in names):  # a header named rowid would hide the rowid
            return names, "rowid", 0
    # the ordinality is the last column (DuckDB renames it if a header is called "ordinality")
    *names, ordinal = read(UNORDERED, " WITH ORDINALITY")
    return names, quote(ordinal), 1


def stage(con: duckdb.DuckDBPyConnection, path: Path, source: Source, alone: bool = False) -> Staged:
    """`alone`: no other statement runs on the database meanwhile (see `_staged_in`)."""
    spec_file = f"specs/sources/{source.id}.yaml"
    early = before_reading(path, source.encoding, spec_file)
    if early:
        raise ExtractError(early)
    params = {"path": str(path), "delim": source.delimiter, "enc": source.encoding, "skip": source.header_row - 1}
    try:
        names, seq, first = _staged_in(con, params, alone)
    except duckdb.Error as err:
        why = after_failure(path, source.encoding, spec_file)
        raise ExtractError(why or f"{path.name}: cannot be read as {source.encoding} text separated by "
                           f"'{source.delimiter}': {str(err).splitlines()[0]}") from None
    rejects = con.execute("""
        SELECT line, any_value(csv_line), string_agg(DISTINCT reason, '; ' ORDER BY reason)
        FROM (SELECT line, csv_line, error_type || ': ' || error_message AS reason FROM _rejects)
        GROUP BY line ORDER BY line""").fetchall()  # ordered: unordered, the threads chose the order
    # Reject lines are physical lines of the file, counted from its first line (the skipped title
    # lines included: DuckDB 2.0); with no quoted line breaks they equal record numbers.
    rejected = [(int(line), str(raw or ""), _with_fix(str(reason), source, spec_file))
                for line, raw, reason in rejects]
    rows = con.execute("SELECT count(*) FROM _stage_in").fetchall()[0][0]
    skipped, unclosed = _walked(path, source.header_row, source.delimiter, rows + len(rejected))
    if unclosed:  # as DuckDB says of a small file; a big one lost the lines below silently
        raise ExtractError(unclosed_quote(path, unclosed))
    skipped = skipped if len(names) > 1 else []  # one column: an empty line is a record
    _stage_view(con, names, seq, first, source.header_row,
                shifts_of([r[0] for r in rejected] + skipped, source.header_row))
    return Staged([n.lstrip("\ufeff").strip() for n in names], rows, rejected)
