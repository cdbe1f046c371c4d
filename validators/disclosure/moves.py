"""Complementary cells where no hypercube serves: the cheapest move that keeps every line balanced.

A hypercube moves p within one table's block. When p's lines run through other tables (a table
filtered on a code that another table publishes by nationality), or a block lacks the totals a
hypercube needs, the move that protects p is still a vector y over all the linked cells with
y_p = +U (or -L), every line of the attacker's system balanced (M y = 0), no cell below 0 and
grand totals fixed. The cheapest one, by LP (each cell's cost per unit is its count, 0 when
already withheld), names the cells to withhold; the audit then judges the whole pattern.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from .hypercube import Need
from .linked import Linked
from .linkedattack import system
from .lp import INF, _matrix, new_highs, pass_model

MOVED = 1e-7


def balancing_cells(linked: Linked, need: Need, withheld: np.ndarray) -> list[int]:
    """The published cells the cheapest balancing moves of ``need`` (up, then down) go through."""
    values, lines = system(linked)
    n, k = len(values), len(linked.keys)
    value, _, grand = linked.arrays()
    fixed = grand | np.isnan(value)
    a = _matrix(n, lines)
    model = sparse.hstack([a, -a]).tocsc()  # y = up - down, both >= 0
    cost = np.zeros(n)
    cost[:k] = np.where(withheld, 0.0, value + 1.0)
    can_fall = np.full(n, INF)
    can_fall[:k] = np.where(fixed, 0.0, np.nan_to_num(value))
    can_rise = np.full(n, INF)
    can_rise[:k] = np.where(fixed, 0.0, INF)
    out: set[int] = set()
    for sign, size in ((1.0, need.up), (-1.0, need.down)):
        if size <= 0:
            continue
        rise, fall = can_rise.copy(), can_fall.copy()
        lower = np.zeros(2 * n)
        if sign > 0:
            lower[need.cell], rise[need.cell], fall[need.cell] = size, size, 0.0
        else:
            lower[n + need.cell], fall[need.cell], rise[need.cell] = size, size, 0.0
        moved = _solve(model, np.concatenate([cost, cost]), lower, np.concatenate([rise, fall]))
        if moved is None:
            continue
        y = np.abs(moved[:n] - moved[n:])[:k]
        out |= {int(i) for i in np.flatnonzero(y > MOVED)}
    return sorted(out)


def _solve(model: sparse.csc_matrix, cost, lower, upper) -> np.ndarray | None:
    h = new_highs()
    zero = np.zeros(model.shape[0])
    pass_model(h, model, cost, lower, upper, zero, zero)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(h.getSolution().col_value)
