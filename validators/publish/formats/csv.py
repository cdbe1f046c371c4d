"""tables/<request-id>.csv: the published table format of DESIGN.md, for people and spreadsheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SUFFIX = "csv"


def write(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False)
