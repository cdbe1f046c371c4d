"""A fast, safe suppression pattern for when the optimiser's time budget runs out.

Withhold every primary cell and every total it adds up into (its "ancestors": the cells with the
same codes where some codes are replaced by _T). Why it is safe: adding any d >= -v to a withheld
cell and to all its ancestors keeps every additivity equation true (each equation whose total is
an ancestor has exactly one part that is the cell or an ancestor of it), so an attacker can narrow
a withheld count to no interval tighter than [0, infinity). It costs more information than the
optimiser's pattern (totals are withheld), and is used only when that pattern cannot be had in time.
Tables of one source share cells, so a cell withheld in one is withheld wherever it appears.
"""

from __future__ import annotations

from itertools import product

import pandas as pd

from validators.spec.model import TOTAL

from .rules import DisclosureRule, primary_mask


def _keys(table: pd.DataFrame, dims: list[str], all_dims: list[str]) -> pd.Series:
    """Each row's cell, named the same way in every table of the source (absent dims = _T)."""
    parts = [table["time_period"].astype(str)] + [table[d].astype(str) if d in dims else
                                                  pd.Series(TOTAL, index=table.index) for d in all_dims]
    return pd.Series(["|".join(p) for p in zip(*parts)], index=table.index)


def _ancestors(table: pd.DataFrame, dims: list[str], withheld: pd.Series) -> pd.Series:
    """Rows that are a withheld row or a total it adds up into, in the same period.

    Each withheld cell names its ancestors directly (every subset of its codes replaced by _T):
    a set lookup per row instead of a scan of the table per withheld cell.
    """
    wanted: set[tuple] = set()
    for row in table.loc[withheld, ["time_period", *dims]].itertuples(index=False):
        period, codes = row[0], row[1:]
        for choice in product(*[(c, TOTAL) if c != TOTAL else (TOTAL,) for c in codes]):
            wanted.add((period, *choice))
    keys = pd.Series(list(zip(*[table[c] for c in ["time_period", *dims]])), index=table.index)
    return withheld | keys.isin(wanted)


def withhold_with_totals(tables: dict[str, tuple[pd.DataFrame, list[str], DisclosureRule]]
                         ) -> dict[str, pd.DataFrame]:
    """Primary cells plus all their totals, consistent across the source's tables (to a fixpoint)."""
    all_dims = sorted({d for _, dims, _ in tables.values() for d in dims})
    keys = {rid: _keys(df, dims, all_dims) for rid, (df, dims, _) in tables.items()}
    primary = {rid: primary_mask(df, rule) & (df["conf_status"] == "F") for rid, (df, _, rule) in tables.items()}
    withheld = {rid: primary[rid] | (df["conf_status"] != "F") for rid, (df, _, _) in tables.items()}
    while True:
        for rid, (df, dims, _) in tables.items():
            withheld[rid] = _ancestors(df, dims, withheld[rid])
        shared = set().union(*(set(keys[r][withheld[r]]) for r in tables))
        changed = False
        for rid in tables:
            grown = withheld[rid] | keys[rid].isin(shared)
            changed |= bool((grown != withheld[rid]).any())
            withheld[rid] = grown
        if not changed:
            break
    out = {}
    for rid, (df, _, _) in tables.items():
        t = df.copy()
        t.loc[withheld[rid] & (t["conf_status"] == "F"), "conf_status"] = "D"
        t.loc[primary[rid], "conf_status"] = "C"
        t.loc[t["conf_status"].isin(["C", "D"]), "obs_value"] = None
        out[rid] = t
    return out
