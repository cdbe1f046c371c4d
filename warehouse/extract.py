"""Read one extract file, as text, into `_stage` (columns c0..cN, `_row`: record number, header = 1).

Every cell stays text here: types are applied by the load SQL, so a bad value becomes a
quarantine row with its reason instead of a failed or silently sniffed column.
Rows the CSV reader cannot split are returned as rejects (line, reason) to be quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from validators.spec.model import Source


class ExtractError(ValueError):
    """The file as a whole cannot be read as its source spec says."""


@dataclass(frozen=True)
class Staged:
    headers: list[str]          # the file's own headers, position i -> column c{i}
    rows: int                   # rows staged (readable records)
    rejects: list[tuple[int, str, str]]  # (row_number, raw line, reason) for unreadable records


def _stage_view(con: duckdb.DuckDBPyConnection, names: list[str], header_row: int, shifted: bool) -> None:
    """`_stage`: a view over `_stage_in` naming columns c0..cN and numbering records, without a copy.

    rowid keeps insertion order, so the k-th readable record (0-based) is rowid k. Reject j
    (1-based, sorted) sits at record L_j and shifts every readable record with k >= L_j - header - j;
    an ASOF join gives each record the count of rejects before it in one sorted pass.
    """
    cols = ", ".join(f's."{n.replace(chr(34), chr(34) * 2)}" AS c{i}' for i, n in enumerate(names))
    base = int(header_row) + 1
    if not shifted:
        con.execute(f"CREATE OR REPLACE TEMP VIEW _stage AS SELECT {cols}, s.rowid + {base} AS _row FROM _stage_in s")
        return
    con.execute(f"""CREATE OR REPLACE TEMP VIEW _stage AS
        SELECT {cols}, s.rowid + {base} + coalesce(sh.n, 0) AS _row
        FROM _stage_in s ASOF LEFT JOIN (SELECT t, row_number() OVER (ORDER BY t) AS n FROM _shift) sh
          ON s.rowid >= sh.t""")


def _shift_table(con: duckdb.DuckDBPyConnection, reject_rows: list[int], header_row: int) -> bool:
    con.execute("CREATE OR REPLACE TEMP TABLE _shift (t BIGINT)")
    shifts = [(line - header_row - j,) for j, line in enumerate(sorted(reject_rows), start=1)]
    if shifts:
        con.executemany("INSERT INTO _shift VALUES (?)", shifts)
    return bool(shifts)


def _stage_csv(con: duckdb.DuckDBPyConnection, path: Path, source: Source) -> Staged:
    con.execute("DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _rejects_scan")
    try:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE _stage_in AS SELECT * FROM read_csv(
                   $path, delim=$delim, header=true, encoding=$enc, all_varchar=true, quote='"',
                   escape='"', skip=$skip, store_rejects=true, rejects_table='_rejects',
                   rejects_scan='_rejects_scan', auto_detect=true, null_padding=false)""",
            {"path": str(path), "delim": source.delimiter, "enc": source.encoding,
             "skip": source.header_row - 1},
        )
    except duckdb.Error as err:
        raise ExtractError(f"{path.name}: cannot be read as {source.encoding} text separated by "
                           f"'{source.delimiter}': {str(err).splitlines()[0]}") from None
    names = [d[0] for d in con.execute("SELECT * FROM _stage_in LIMIT 0").description]
    rejects = con.execute("""
        SELECT line, any_value(csv_line), string_agg(DISTINCT error_type || ': ' || error_message, '; ')
        FROM _rejects GROUP BY line ORDER BY line""").fetchall()
    # Reject lines are physical lines; with no quoted line breaks they equal record numbers.
    offset = source.header_row - 1
    rejected = [(int(line) + offset, str(raw or ""), str(reason)) for line, raw, reason in rejects]
    _stage_view(con, names, source.header_row, _shift_table(con, [r[0] for r in rejected], source.header_row))
    rows = con.execute("SELECT count(*) FROM _stage_in").fetchone()[0]
    return Staged([n.lstrip("\ufeff").strip() for n in names], rows, rejected)


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, source: Source) -> Staged:
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_in AS SELECT * FROM read_parquet($path)",
                {"path": str(path)})
    names = [d[0] for d in con.execute("SELECT * FROM _stage_in LIMIT 0").description]
    cols = ", ".join(f'CAST("{n.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS c{i}' for i, n in enumerate(names))
    con.execute(f"CREATE OR REPLACE TEMP VIEW _stage AS SELECT {cols}, rowid + 2 AS _row FROM _stage_in")
    return Staged(names, con.execute("SELECT count(*) FROM _stage_in").fetchone()[0], [])


def _stage_xlsx(con: duckdb.DuckDBPyConnection, path: Path, source: Source) -> Staged:
    # DuckDB's excel extension needs a download; calamine reads the workbook offline.
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheet = source.sheet or book.sheet_names[0]
    if sheet not in book.sheet_names:
        raise ExtractError(f"{path.name}: no sheet '{sheet}'; the workbook has: {', '.join(book.sheet_names)}")
    data = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if len(data) < source.header_row:
        raise ExtractError(f"{path.name}: sheet '{sheet}' has no header on row {source.header_row}")
    headers = [str(h).strip() for h in data[source.header_row - 1]]

    def text(v: object) -> str | None:
        if v is None or v == "":
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))  # calamine returns 2019 as 2019.0; codes must stay as written
        return str(v)

    body = data[source.header_row:]
    columns = {f"c{i}": [text(r[i]) if i < len(r) else None for r in body] for i in range(len(headers))}
    columns["_row"] = list(range(source.header_row + 1, source.header_row + 1 + len(body)))
    table = pa.table({k: pa.array(v, type=pa.int64() if k == "_row" else pa.string()) for k, v in columns.items()})
    con.register("_xlsx_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE _stage_in AS SELECT * FROM _xlsx_arrow")
    con.unregister("_xlsx_arrow")
    con.execute("CREATE OR REPLACE TEMP VIEW _stage AS SELECT * FROM _stage_in")
    return Staged(headers, len(body), [])


READERS = {"csv": _stage_csv, "parquet": _stage_parquet, "xlsx": _stage_xlsx}


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, source: Source) -> Staged:
    """Stage one extract as text; raise ExtractError if the file as a whole is unreadable."""
    return READERS[source.format](con, path, source)
