"""The LP attacker of a published edition, for tests and reviewers (scipy's HiGHS).

Independent of the suppression machinery (``lp`` has its own highspy models): it reads only what
a reader of the published tables has.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from .space import PERIOD, Space, build_spaces


def attacker_intervals(tables: Sequence[tuple[pd.DataFrame, list[str]]]) -> list[pd.DataFrame]:
    """For each published table, the [lo, hi] an attacker derives for each withheld row.

    The attacker knows every non-empty ``obs_value`` of all the tables, the union of their
    additivity equations (and the hidden cube, as ``protect_many``) and that values are >= 0;
    it solves two LPs per withheld cell (scipy's HiGHS). ``hi`` is inf when unbounded.
    """
    tables = [(df, list(dims)) for df, dims in tables]
    spaces = build_spaces(tables, latent=True)
    bounds: dict[tuple[str, int], tuple[float, float]] = {}
    for space in spaces.values():
        for cells, a_eq, b_eq in _systems(space):
            for j, i in enumerate(cells):
                if not space.latent[i]:
                    bounds[(space.period, int(i))] = _interval(a_eq, b_eq, j)
    result = []
    for t, (df, _) in enumerate(tables):
        rows = {}
        for label, period in zip(df.index, df[PERIOD].astype(str)):
            key = (period, spaces[period].rows[(t, label)])
            if key in bounds:
                rows[label] = bounds[key]
        result.append(pd.DataFrame.from_dict(rows, orient="index", columns=["lo", "hi"]))
    return result


def attacker_interval(df_published: pd.DataFrame, dims: list[str], cell_index) -> tuple[float, float]:
    """The interval an LP attacker derives for one row of a published table (a point if shown)."""
    period = str(df_published.loc[cell_index, PERIOD])
    space = build_spaces([(df_published, list(dims))], latent=False)[period]
    i = space.rows[(0, cell_index)]
    if not np.isnan(space.value[i]):
        return float(space.value[i]), float(space.value[i])
    for cells, a_eq, b_eq in _systems(space):
        if i in cells:
            return _interval(a_eq, b_eq, int(np.flatnonzero(cells == i)[0]))
    raise AssertionError("unreachable")


def _systems(space: Space):
    """The attacker's equations over the unknown cells, one independent system per component:
    (cells, A, b) with A y = b, published values moved to the right-hand side."""
    n = space.size
    rows, cols, vals = [], [], []
    for r, (total, parts) in enumerate(space.lines):
        rows += [r] * (len(parts) + 1)
        cols += [total, *parts.tolist()]
        vals += [1.0] + [-1.0] * len(parts)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(space.lines), n))
    unknown = np.isnan(space.value)
    b = -(m @ np.where(unknown, 0.0, space.value))
    free = np.flatnonzero(unknown)
    sub = m[:, free]
    touched = np.flatnonzero(np.asarray(abs(sub).sum(axis=1)).ravel() > 0)
    sub = sub[touched]
    graph = (sparse.bmat([[None, sub.T], [sub, None]], format="csr") if len(touched)
             else sparse.csr_matrix((len(free), len(free))))
    _, labels = connected_components(graph, directed=False)
    for c in np.unique(labels[: len(free)]):
        cell_pos = np.flatnonzero(labels[: len(free)] == c)
        row_pos = np.flatnonzero(labels[len(free):] == c)
        yield free[cell_pos], sub[row_pos][:, cell_pos], b[touched[row_pos]]


def _interval(a_eq, b_eq, j: int) -> tuple[float, float]:
    n = a_eq.shape[1]
    c = np.zeros(n)
    c[j] = 1.0
    out = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_eq=a_eq if a_eq.shape[0] else None,
                      b_eq=b_eq if a_eq.shape[0] else None, bounds=(0, None), method="highs")
        if res.status == 3:
            out.append(np.inf)
        elif res.status != 0:
            raise ValueError(f"attacker LP failed: {res.message}")
        else:
            out.append(sign * res.fun)
    return out[0], out[1]
