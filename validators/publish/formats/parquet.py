"""tables/<request-id>.parquet: the same table, typed, for programs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SUFFIX = "parquet"


def write(table: pd.DataFrame, path: Path) -> None:
    table.to_parquet(path, index=False)
