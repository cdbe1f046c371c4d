"""Periods too small to break down: published as their total alone.

A withheld count v (1 to T-1) is promised it could be v + U. Where the period's grand total is
below that (7 complaints in a year, 4 of them sanctioned, threshold 5), no pattern that publishes
the total keeps the promise, and withholding the total as well leaves the committee nothing for
that year. The breakdown of such a period is not published at all (its rows are left out, which
the manifest and the report say) and its total is: the reader learns what the total says, that
no group within it exceeds it, as with any total whose breakdown is not asked.
"""

from __future__ import annotations

import pandas as pd

from validators.spec.model import TOTAL

from .linked import CONF, PERIOD, VALUE
from .rules import DisclosureRule


def periods_too_small(table: pd.DataFrame, dims: list[str], rule: DisclosureRule) -> list[str]:
    """The periods whose grand total is below some confidential count of theirs plus its protection."""
    if not dims or not len(table):
        return []
    value = pd.to_numeric(table[VALUE], errors="coerce")
    grand = (table[dims] == TOTAL).all(axis=1) & value.notna()
    small = (table[CONF].astype(str) == "F") & (value >= 1) & (value < rule.threshold) & ~grand
    period = table[PERIOD].astype(str)
    totals = value[grand].groupby(period[grand]).first()
    worst = value[small].groupby(period[small]).max()
    short = worst + rule.upper > totals.reindex(worst.index)
    return sorted(short[short].index.tolist())


def totals_only(table: pd.DataFrame, dims: list[str], periods: list[str]) -> pd.DataFrame:
    """The table without the breakdown of ``periods`` (their grand totals kept)."""
    if not periods:
        return table
    grand = (table[dims] == TOTAL).all(axis=1)
    return table[~table[PERIOD].astype(str).isin(periods) | grand]
