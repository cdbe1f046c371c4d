"""Output formats of a published table: one module per format, each with SUFFIX and `write`.

A new format (SDMX-CSV, say) is one new module here and one line in FORMATS.
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
