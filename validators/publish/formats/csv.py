"""tables/<request-id>.csv: the published table format of DESIGN.md, for people and spreadsheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SUFFIX = "csv"


def whole_numbers(values: pd.Series) -> pd.Series:
    """Counts as whole numbers (`1050`, never `1050.0`); a column with a fraction (US$) stays as it is."""
    numbers = pd.to_numeric(values, errors="coerce")
    known = numbers.dropna()
    if known.empty or not (known == known.round()).all():
        return values
    return numbers.astype("Int64")


def write(table: pd.DataFrame, path: Path) -> None:
    out = table.copy()
    if "obs_value" in out:
        out["obs_value"] = whole_numbers(out["obs_value"])
    out.to_csv(path, index=False)
