"""Figures a reviewer recomputes from a raw extract with pandas alone, to hold published tables to."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

IOM_FILE = "iom/iom_peru_regular_entries_exits_by_nationality_monthly_2022_2025.csv"


def iom_direction_totals(landing: Path) -> dict[tuple[str, str], float]:
    """(month, ENTRY|EXIT) -> movements of foreign nationals: the sum of IOM's cells of that month and flow."""
    raw = pd.read_csv(landing / IOM_FILE, dtype=str, keep_default_na=False)
    sums = raw.assign(n=raw["n"].astype(int)).groupby(["month", "flow"])["n"].sum()
    return {(month, flow.upper()): float(n) for (month, flow), n in sums.items()}


def table_direction_totals(table: pd.DataFrame) -> dict[tuple[str, str], float]:
    """The same figures as a 40a-movements-iom table publishes them (all nationalities, by direction)."""
    rows = table[(table["nationality"] == "_T") & (table["direction"] != "_T") & (table["conf_status"] == "F")]
    return {(str(r.time_period), str(r.direction)): float(r.obs_value) for r in rows.itertuples()}
