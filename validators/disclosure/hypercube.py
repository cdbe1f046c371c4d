"""Secondary suppression by hypercubes: fast, and safe by construction (then audited anyway).

tau-ARGUS's hypercube method (GHMITER, Repsilber) in its simplest form. A confidential cell p of
a k-dimensional block is protected by withholding the 2^k corners of a hypercube: for every axis
one other code j, the corner cells taking p's code or j on each axis. Moving p by +d, every corner
moves by +d or -d (a sibling code moves against p, a total with it), so every line of the block
keeps its sum: the attacker cannot tell the true table from the moved one as long as no corner
goes below 0. Hence the conditions, checked on the true values:

- p may be d = ``up`` higher: every corner moving against p holds at least ``up``;
- p may be d = ``down`` lower: every other corner moving with p holds at least ``down``.

Withholding more cells only enlarges what the attacker must consider, so each need met by its own
hypercube stays met in the union. Corners are never a table's grand total, a figure the source did
not give, or a cell another block publishes too (its move would unbalance that block's lines); a
cell published by several blocks gets one hypercube in each, moving together. The cheapest
hypercube is taken: cells already withheld cost nothing, the others their value (the count lost).
Along an axis where p's line is no equation (a table publishing sex not stated only in total has
no "both sexes" by age) a hypercube of fewer axes serves: p need not move against a sibling there.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from .linked import Linked

MAX_COMBINATIONS = 1_500  # hypercubes tried per block and need; past it the likeliest codes per axis
MAX_STACK = 4  # hypercubes stacked to meet one need


@dataclass(frozen=True)
class Need:
    """Cell ``cell`` must stay possible at ``up`` above and ``down`` below its value."""

    cell: int
    up: float
    down: float


def positions(linked: Linked) -> dict[int, list[tuple[int, tuple[int, ...]]]]:
    """Where each cell sits: (block number, index in the block)."""
    out: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
    for b, block in enumerate(linked.blocks):
        if block.ids.ndim == 0:  # a table without breakdowns: one cell, no line to hide it in
            continue
        for idx in zip(*np.nonzero(block.ids >= 0)):
            out.setdefault(int(block.ids[idx]), []).append((b, tuple(int(i) for i in idx)))
    return out


def protect(linked: Linked, needs: list[Need], withheld: np.ndarray) -> tuple[np.ndarray, list[Need]]:
    """``withheld`` (primaries, already set) with the hypercubes meeting ``needs``; and the needs
    no hypercube could meet (the caller withholds more, and the audit judges).

    Where no single hypercube lets p rise by ``up``, several do together: hypercubes sharing no
    corner but p each add what their own corners allow (at most ``MAX_STACK`` of them).
    """
    value, _, grand = linked.arrays()
    blocked = {rid: grand | np.isnan(value) | (shared > 1) for rid, shared in _shared_within(linked).items()}
    where = positions(linked)
    unmet = []
    for need in sorted(needs, key=lambda n: (-n.up, n.cell)):
        chosen = []
        for b, idx in where.get(need.cell, []):
            found = _stacked(linked.blocks[b].ids, idx, need, value, withheld, blocked[linked.blocks[b].rid].copy())
            if found is None:
                chosen = None
                break
            chosen += found
        if chosen is None:
            unmet.append(need)
            continue
        for c in chosen:
            withheld[c] = True
    return withheld, unmet


def _shared_within(linked: Linked) -> dict[str, np.ndarray]:
    """Per table, how many of its crossings hold each cell. Cells shared with *other* tables are
    not blocked: the joint audit catches what that misses, and blocking them leaves most small
    cells of linked tables without any hypercube."""
    out: dict[str, np.ndarray] = {}
    for block in linked.blocks:
        count = out.setdefault(block.rid, np.zeros(len(linked.keys), dtype=np.int64))
        count[np.unique(block.ids[block.ids >= 0])] += 1
    return out


def _stacked(ids, at, need: Need, value, withheld, blocked) -> list[np.ndarray] | None:
    picked, left = [], need.up
    for _ in range(MAX_STACK):
        found = _cheapest_any(ids, at, Need(need.cell, left, need.down), value, withheld, blocked)
        if found is None:
            return None
        corners, reach = found
        picked.append(corners)
        if reach >= left:
            return picked
        left -= reach
        blocked[corners] = True  # the next hypercube must not lean on the same cells
    return None


def _cheapest_any(ids: np.ndarray, at: tuple[int, ...], need: Need, value: np.ndarray,
                  withheld: np.ndarray, blocked: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The cheapest hypercube over every axis or over fewer. Along an axis where p's line is no
    equation (its total, or all its parts, unpublished: a table giving sex not stated only in total
    has no "both sexes" by age, nor not-stated by age) the hypercube may stay put, as long as every
    corner's line along that axis is no equation either."""
    found = [_cheapest(ids, at, need, value, withheld, blocked)]
    free = [a for a in range(ids.ndim) if bool(_no_line(ids, at, a, at))]
    for k in range(1, len(free) + 1):
        for skipped in combinations(free, k):
            kept = [a for a in range(ids.ndim) if a not in skipped]
            if not kept:
                continue
            fixed = tuple(at[a] if a in skipped else slice(None) for a in range(ids.ndim))
            sub = ids[fixed]
            for a in skipped:  # a corner whose line along a skipped axis is an equation cannot move
                sub = np.where(_no_line(ids, at, a, fixed), sub, -1)
            found.append(_cheapest(sub, tuple(at[a] for a in kept), need, value, withheld, blocked))
    options = [f for f in found if f is not None]
    enough = [f for f in options if f[1] >= need.up]
    if enough:
        return min(enough, key=lambda f: float(np.where(withheld[f[0]], 0.0, value[f[0]] + 0.5).sum()))
    return max(options, key=lambda f: f[1]) if options else None


def _no_line(ids: np.ndarray, at: tuple[int, ...], axis: int, fixed: tuple) -> np.ndarray:
    """Over the cells ``fixed`` selects (all at p's code on ``axis``): is their line along ``axis``
    no equation, its total unpublished (p a part) or every part unpublished (p the total)?"""
    if at[axis] != 0:
        return ids[fixed[:axis] + (0,) + fixed[axis + 1:]] < 0
    parts = ids[fixed[:axis] + (slice(1, None),) + fixed[axis + 1:]]
    kept_before = sum(1 for f in fixed[:axis] if isinstance(f, slice))
    return (parts < 0).all(axis=kept_before)


def _cheapest(ids: np.ndarray, at: tuple[int, ...], need: Need, value: np.ndarray,
              withheld: np.ndarray, blocked: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The corners of the least costly hypercube through ``at`` meeting ``need``, and how far up it
    lets p go; when none meets ``up``, the one letting p go furthest (for stacking), or None."""
    k = ids.ndim
    cands = [_candidates(ids, at, axis, value, need) for axis in range(k)]
    if any(not len(c) for c in cands):
        return None
    grid = np.stack(np.meshgrid(*cands, indexing="ij"), axis=-1).reshape(-1, k)  # (C, k)
    here = np.asarray(at)
    moves = np.where((here == 0)[None, :] | (grid == 0), 1, -1)  # +1: with p, -1: against p
    valid = np.ones(len(grid), dtype=bool)
    reach = np.full(len(grid), np.inf)
    cost = np.zeros(len(grid))
    cells = []
    for pick in product((False, True), repeat=k):
        if not any(pick):
            continue
        sel = np.asarray(pick)
        idx = np.where(sel[None, :], grid, here[None, :])
        cell = ids[tuple(idx.T)]
        sign = np.prod(np.where(sel[None, :], moves, 1), axis=1)
        ok = cell >= 0
        safe = np.where(ok, cell, 0)
        ok &= ~blocked[safe]
        v = np.where(ok, value[safe], -1.0)
        ok &= np.where(sign < 0, (v > 0) | (need.up <= 0), v >= need.down)
        reach = np.minimum(reach, np.where(sign < 0, v, np.inf))
        valid &= ok
        cost += np.where(withheld[safe], 0.0, v + 0.5)
        cells.append(safe)
    if not valid.any():
        return None
    full = valid & (reach >= need.up)
    if full.any():
        best = int(np.flatnonzero(full)[np.argmin(cost[full])])
    else:
        best = int(np.flatnonzero(valid)[np.argmax(reach[valid])])
    return np.array([c[best] for c in cells], dtype=np.int64), float(reach[best])


def _candidates(ids: np.ndarray, at: tuple[int, ...], axis: int, value: np.ndarray, need: Need) -> np.ndarray:
    """The other codes of ``axis`` (0 = the total); when the block is large, the few whose cell on
    p's own line can serve and costs least."""
    n = ids.shape[axis]
    others = np.array([j for j in range(n) if j != at[axis]], dtype=np.int64)
    if np.prod([m - 1 for m in ids.shape]) <= MAX_COMBINATIONS or len(others) <= 4:
        return others
    line = [ids[at[:axis] + (j,) + at[axis + 1:]] for j in others]
    v = np.array([value[c] if c >= 0 else -1.0 for c in line])
    fit = v >= max(need.up, need.down)
    order = np.lexsort((np.where(fit, v, np.inf), ~fit))
    return others[order[:4]]
