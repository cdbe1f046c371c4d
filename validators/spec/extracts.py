"""Lint against the extracts themselves, when they are in the landing folder: every header the spec
names is in the file (else file:line of the spec and a did-you-mean), and every date column's first
values follow its declared formats ("0 of the first 1,000 values match %m/%d/%Y; 1,000 match %d/%m/%Y").

Reads only the header and the first rows of each file (stdlib csv; calamine / pyarrow for workbooks
and Parquet); never loads anything. Imports nothing of ours outside validators.spec.
"""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

from .catalogue import Catalogue
from .dateformats import PROBE_ROWS, probe
from .model import Source
from .suggest import suggestion
from .yamlpos import Problem, format_path

DATE_TYPES = ("date", "month")


def first_rows(path: Path, source: Source, n: int = PROBE_ROWS) -> tuple[list[str], list[list[str]]]:
    """The file's headers and its first `n` data rows, as text."""
    if source.format == "csv":
        with path.open(encoding=source.encoding, errors="replace", newline="") as fh:
            reader = csv.reader(fh, delimiter=source.delimiter)
            rows = list(islice(reader, source.header_row - 1 + 1 + n))[source.header_row - 1:]
    elif source.format == "xlsx":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_name(source.sheet or book.sheet_names[0])
        rows = [[("" if v is None else str(v)) for v in r]
                for r in sheet.to_python(nrows=source.header_row + n)[source.header_row - 1:]]
    else:
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        batch = next(file.iter_batches(batch_size=n), None)
        body = [[("" if v is None else str(v)) for v in row.values()] for row in batch.to_pylist()] if batch else []
        rows = [list(file.schema_arrow.names), *body]
    if not rows:
        return [], []
    return [h.lstrip("\ufeff").strip() for h in rows[0]], rows[1:]


def source_problems(source: Source, files: list[tuple[str, Path]]) -> list[tuple[tuple, str]]:
    """(key path in the source spec, message) for each header missing and each date format that misfits."""
    hits: list[tuple[tuple, str]] = []
    probed = False
    for rel, path in files:
        try:
            headers, rows = first_rows(path, source)
        except Exception as err:  # the loader reports unreadable files with the reader's own message
            hits.append((("path",), f"{rel}: cannot read its header: {err}"))
            continue
        for i, column in enumerate(source.columns):
            if column.source not in headers:
                hits.append((("columns", i, "source"),
                             f"'{column.source}' is not a header of {rel}{suggestion(column.source, headers)}"))
        if probed:
            continue  # the formats are probed on the first file only: one root cause, one message
        probed = True
        for i, column in enumerate(source.columns):
            dated = column.type in DATE_TYPES or (column.type == "age" and column.formats)
            if not dated or column.personal == "drop" or column.source not in headers:  # dropped: never parsed
                continue
            at = headers.index(column.source)
            formats = column.formats or (["%Y-%m-%d"] if column.type == "date" else ["%Y-%m"])
            found = probe([r[at] for r in rows if at < len(r)], formats)
            if found:
                hits.append((("columns", i, "formats"), f"{rel}: {found}"))
    return hits


def extract_problems(cat: Catalogue, landing: Path) -> list[Problem]:
    """Problems of every source whose extracts are in `landing` (sources without one are skipped)."""
    out: list[Problem] = []
    for source_id, source in sorted(cat.sources.items()):
        root = landing.resolve()
        files = sorted(p for p in landing.glob(source.path)
                       if p.is_file() and p.resolve().is_relative_to(root)) if landing.is_dir() else []
        located, shown = cat.located[("sources", source_id)], cat.files[("sources", source_id)]
        for path, message in source_problems(source, [(str(p.relative_to(landing)), p) for p in files]):
            line, col = located.where(path)
            out.append(Problem(shown, line, col, format_path(path), message))
    return out
