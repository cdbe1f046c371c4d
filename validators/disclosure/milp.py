"""The MILP choosing which cells to withhold (the master problem of ``solver``), with HiGHS.

A binary x_i per decision cell, minimising the cost of the withheld cells subject to covering
rows sum coef_i x_i >= 1: first the rows read off single lines (``initial_rows``), then the cuts
the attacker (``lp``) gives.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from .lp import INF, Task, new_highs, pass_model

GAP = 1e-4  # relative optimality gap of the MILP ("cheapest" means within 0.01 %)


class Selector:
    """The MILP choosing which decision cells to withhold."""

    def __init__(self, n: int, decision: np.ndarray, cost: np.ndarray) -> None:
        self.col_of = np.full(n, -1, dtype=np.int64)
        self.cells = np.flatnonzero(decision)
        self.col_of[self.cells] = np.arange(len(self.cells))
        self.h = new_highs()
        self.h.setOptionValue("mip_rel_gap", GAP)
        # small models: the start-up heuristics cost more than the whole branch and bound
        self.h.setOptionValue("mip_heuristic_run_feasibility_jump", False)
        self.h.setOptionValue("mip_detect_symmetry", False)
        k = len(self.cells)
        pass_model(self.h, sparse.csc_matrix((0, k)), cost[self.cells], np.zeros(k), np.ones(k),
                   [], [], integer=True)
        self.lp = new_highs()  # its LP relaxation, same rows
        pass_model(self.lp, sparse.csc_matrix((0, k)), cost[self.cells], np.zeros(k), np.ones(k),
                   [], [])

    def add(self, cells: np.ndarray, coefs: np.ndarray) -> None:
        """The row sum coefs x_cells >= 1."""
        cols = self.col_of[cells]
        keep = cols >= 0
        if not keep.any():
            raise ValueError("a protection requirement cannot be met by withholding more cells")
        for h in (self.h, self.lp):
            h.addRow(1.0, INF, int(keep.sum()), cols[keep].astype(np.int32),
                     np.asarray(coefs, dtype=float)[keep])

    def relaxation(self) -> np.ndarray:
        """The LP relaxation's x over all cells (decision cells only; others 0)."""
        self.lp.run()
        x = np.zeros(len(self.col_of))
        if len(self.cells) and self.lp.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            x[self.cells] = np.clip(np.array(self.lp.getSolution().col_value), 0.0, 1.0)
        return x

    def solve(self, time_limit: float, start: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
        """The cheapest pattern satisfying the rows so far (``start``: a known feasible one)."""
        h = self.h
        h.setOptionValue("time_limit", max(time_limit, 0.1))
        if start is not None and len(self.cells):
            sol = highspy.HighsSolution()
            sol.col_value = start[self.cells].astype(float)
            sol.value_valid = True
            h.setSolution(sol)
        h.run()
        status = h.getModelStatus()
        x = np.zeros(len(self.col_of), dtype=bool)
        if len(self.cells) == 0:
            return x, True
        values = np.array(h.getSolution().col_value)
        if status != highspy.HighsModelStatus.kOptimal and (
                values.size != len(self.cells) or h.getInfo().primal_solution_status != 2):
            raise TimeoutError(f"suppression MILP: {h.modelStatusToString(status)}")
        x[self.cells] = values > 0.5
        return x, status == highspy.HighsModelStatus.kOptimal


def initial_rows(value: np.ndarray, lines, decision: np.ndarray, tasks: list[Task]):
    """Valid inequalities read off single lines (each one a one-line attacker).

    For a protected cell p in a line: y_p can rise by r only if the line's total is withheld or
    withheld siblings can fall by r between them (at most their values); it can fall only if the
    total is withheld or a sibling can rise. As the total of a line, p rises with any withheld
    part and falls only as far as its withheld parts can. Cells withheld whatever happens count
    as withheld; one of unknown value settles the line.
    """
    fixed = ~decision
    members = [np.concatenate(([t], parts)) for t, parts in lines]
    lines_of: dict[int, list[int]] = {}
    for li, mem in enumerate(members):
        for c in mem:
            lines_of.setdefault(int(c), []).append(li)
    for task in tasks:
        p = task.cell
        for li in lines_of.get(p, []):
            total = lines[li][0]
            others = members[li][members[li] != p]
            if len(others) == 0:
                continue
            coef = np.ones(len(others))
            if task.kind == "up" and p != total:
                rise = task.goal - value[p]
                coef = np.where(others == total, 1.0, np.minimum(value[others] / rise, 1.0))
            elif task.kind == "down" and p == total:
                fall = value[p] - task.goal
                coef = np.minimum(value[others] / fall, 1.0)
            given = fixed[others]
            if np.isnan(coef[given]).any():
                continue
            rhs = 1.0 - coef[given].sum()
            if rhs > 1e-9:
                yield others[~given], np.minimum(coef[~given] / rhs, 1.0)
