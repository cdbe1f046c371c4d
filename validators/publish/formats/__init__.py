"""Output formats of a published table: one module per format, each with SUFFIX and `write`.

A new table format is one new module here and one line in FORMATS. The two SDMX formats live here
too (sdmx_ml: the structure, sdmx_csv: a table) but go to sdmx/, not tables/: a table's SDMX-CSV
needs its dataflow, so publish/sdmx_edition.py writes them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import csv, parquet

FORMATS = {"csv": csv, "parquet": parquet}


def write_table(folder: Path, request_id: str, table: pd.DataFrame) -> list[Path]:
    """The table in every format, as tables/<request-id>.<suffix>."""
    paths = []
    for fmt in FORMATS.values():
        path = folder / f"{request_id}.{fmt.SUFFIX}"
        fmt.write(table, path)
        paths.append(path)
    return paths
