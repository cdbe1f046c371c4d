"""A floor under the share of the count any pattern must withhold, for reviewers to weigh ours.

Every confidential count v must be able to rise to v + U. On each line through it (its other
coordinates fixed, one breakdown varying, the line's total included) the rise must be balanced:
the other confidential cells of the line can fall to 0, and what they cannot cover must come
from one more withheld cell of the line, every candidate being a published count >= T (or the
line's total, larger still). So each line along one breakdown adds at least its smallest
non-confidential nonzero count; lines along one breakdown share no cell, so their costs add up.
The floor is the confidential counts plus the largest such sum over the breakdowns, as a share
of the table's count. It ignores the linking between lines, so the optimum may lie above it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from validators.spec.model import TOTAL

from .linked import CONF, PERIOD, VALUE
from .rules import DisclosureRule, primary_mask


def line_costs(table: pd.DataFrame, dims: list[str], along: str, confidential: pd.Series,
               upper: float) -> float:
    """The least count one must withhold besides the confidential cells, over the lines along one
    breakdown."""
    value = pd.to_numeric(table[VALUE], errors="coerce").astype(float).fillna(0.0)
    confidential = confidential.astype(bool)
    frame = pd.DataFrame({
        "conf": confidential.astype(int),
        "small": value.where(confidential, 0.0),
        "candidate": value.where(~confidential & (value > 0), np.inf),
        "total": (table[along].astype(str) == TOTAL).astype(int),
        "unknown": (table[CONF].astype(str) != "F").astype(int),
    })
    keys = [table[c].astype(str) for c in [PERIOD, *[d for d in dims if d != along]]]
    lines = frame.groupby(keys, sort=False).agg(conf=("conf", "sum"), small=("small", "sum"),
                                                largest=("small", "max"), candidate=("candidate", "min"),
                                                total=("total", "sum"), unknown=("unknown", "sum"))
    # each confidential cell rises by `upper` only if the rest of the line can fall as much; a line
    # without its total has no equation, and a cell the source withheld can balance it for free
    short = (lines["conf"] > 0) & (lines["total"] > 0) & (lines["unknown"] == 0) \
        & (lines["small"] - lines["largest"] < upper) & np.isfinite(lines["candidate"])
    return float(lines.loc[short, "candidate"].sum())


def withheld_share_floor(table: pd.DataFrame, dims: list[str], rule: DisclosureRule) -> float:
    """The smallest share of the table's count a pattern keeping ``rule``'s promise can withhold."""
    free = table[CONF].astype(str) == "F"
    value = pd.to_numeric(table[VALUE], errors="coerce").fillna(0)
    total = float(value[free].sum())
    if not total or not dims:
        return 0.0
    confidential = primary_mask(table, rule) & free
    extra = max(line_costs(table, dims, d, confidential, rule.upper) for d in dims)
    return round((float(value[confidential].sum()) + extra) / total, 4)
