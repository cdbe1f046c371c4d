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
    h, n, k, lower, upper = _model(linked)
    value = np.asarray(linked.value, dtype=float)
    cost = np.zeros(2 * n)
    cost[:k] = cost[n:n + k] = np.where(withheld, 0.0, value + 1.0)
    h.changeColsCost(2 * n, np.arange(2 * n, dtype=np.int32), cost)
    out: set[int] = set()
    p = need.cell
    for col, size in ((p, need.up), (n + p, need.down)):  # y+_p = U, y-_p = 0; then y-_p = L, y+_p = 0
        if size <= 0:
            continue
        other = n + p if col == p else p
        h.changeColsBounds(2, np.array([col, other], dtype=np.int32), np.array([size, 0.0]), np.array([size, 0.0]))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            moved = np.asarray(h.getSolution().col_value)
            out |= {int(i) for i in np.flatnonzero(np.abs(moved[:k] - moved[n:n + k]) > MOVED)}
        h.changeColsBounds(2, np.array([p, n + p], dtype=np.int32), lower[[p, n + p]], upper[[p, n + p]])
    return sorted(out)


def _model(linked: Linked):
    """One HiGHS model per period, made once: y = rise - fall over every cell of the attacker's system,
    each line balanced, grand totals and unknown figures fixed, no published cell below 0. Each need
    then only changes its cell's bounds and the costs, and starts from the last basis."""
    if "moves" in linked.cache:
        return linked.cache["moves"]
    values, lines = system(linked)
    n, k = len(values), len(linked.keys)
    value, _, grand = linked.arrays()
    fixed = grand | np.isnan(value)
    a = _matrix(n, lines)
    lower = np.zeros(2 * n)
    upper = np.full(2 * n, INF)
    upper[:k] = np.where(fixed, 0.0, INF)  # rise
    upper[n:n + k] = np.where(fixed, 0.0, np.nan_to_num(value))  # fall: to 0 at most
    for i, slack in linked.cache.get("slack_truth", {}).items():  # a total's gap over its parts stays >= 0
        if np.isfinite(slack):
            upper[n + i] = max(slack, 0.0)
    h = new_highs()
    zero = np.zeros(a.shape[0])
    pass_model(h, sparse.hstack([a, -a]).tocsc(), np.zeros(2 * n), lower, upper, zero, zero)
    linked.cache["moves"] = h, n, k, lower, upper
    return linked.cache["moves"]
