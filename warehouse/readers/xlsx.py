"""Excel workbooks: one sheet (the source's, else the first), headers on the source's header row."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from validators.spec.model import Source

from .base import ExtractError, Staged


def stage(con: duckdb.DuckDBPyConnection, path: Path, source: Source, alone: bool = False) -> Staged:
    # `alone` changes nothing here: a workbook is read by calamine, in Python
    # DuckDB's excel extension needs a download; calamine reads the workbook offline.
    from python_calamine import CalamineError, CalamineWorkbook

    if path.stat().st_size == 0:
        raise ExtractError(f"{path.name}: the file is empty (0 bytes); deliver the workbook again")
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = source.sheet or (book.sheet_names or [""])[0]
        if sheet not in book.sheet_names:
            raise ExtractError(f"{path.name}: no sheet '{sheet}'; the workbook has: {', '.join(book.sheet_names)}")
        data = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except CalamineError as err:  # truncated, corrupt, not a workbook, password-protected
        raise ExtractError(f"{path.name}: not a readable Excel workbook ({type(err).__name__}: {err}); the file is "
                           f"truncated or damaged: deliver it again, saved from Excel as .xlsx") from None
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
    con.execute("CREATE OR REPLACE TEMP VIEW _stage AS SELECT *, _row AS _seq FROM _stage_in")
    con.execute("CREATE OR REPLACE TEMP VIEW _stage_text AS SELECT * EXCLUDE (_row) FROM _stage_in")
    return Staged(headers, len(body), [])
