"""Small sex x age tables with every margin, written by hand for the disclosure tests."""

from __future__ import annotations

import pandas as pd


def cube(cells: dict[tuple[str, str], int], dims: tuple[str, str] = ("sex", "age"),
         period: str = "2020") -> pd.DataFrame:
    """A full two-breakdown cube with its margins (_T), from the inner cells."""
    rows = dict(cells)
    for s in dict.fromkeys(s for s, _ in cells):
        rows[(s, "_T")] = sum(v for (s2, _), v in cells.items() if s2 == s)
    for a in dict.fromkeys(a for _, a in cells):
        rows[("_T", a)] = sum(v for (_, a2), v in cells.items() if a2 == a)
    rows[("_T", "_T")] = sum(cells.values())
    return pd.DataFrame([{"time_period": period, dims[0]: s, dims[1]: a, "obs_value": float(v), "unit_measure": "PS",
                          "obs_status": "A", "conf_status": "F"} for (s, a), v in rows.items()])


def sex_age_cube(cells: dict[tuple[str, str], int], period: str = "2020") -> pd.DataFrame:
    """A full sex x age cube with its margins (_T), from the inner cells."""
    return cube(cells, ("sex", "age"), period)
