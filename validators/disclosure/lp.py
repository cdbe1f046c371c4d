"""The LP attacker of a suppression pattern (HiGHS).

For a protected cell p the attacker solves min / max y_p subject to the lines the published
figures satisfy (M y = 0), y >= 0 and y_i = a_i on every published cell. A requirement holds when
the attacker can reach its goal; the solution that reaches it is kept as its proof (a witness).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

INF = highspy.kHighsInf
PRIMAL, DUAL = 4, 1  # HiGHS simplex_strategy
TOL = 1e-7


@dataclass(frozen=True)
class Requirement:
    """What the attacker must not learn about one withheld cell.

    With a known value v: the attacker's interval [lo, hi] must satisfy hi >= v + upper and
    lo <= max(0, v - lower). With an unknown value (withheld by the source): hi - lo >= sliding.
    """

    cell: int
    value: float | None
    upper: float = 0.0
    lower: float = 0.0
    sliding: float = 0.0


@dataclass(frozen=True)
class Task:
    """One attacker question: can y_p reach ``goal`` (up: >=, down: <=; slide: a width)?"""

    cell: int
    kind: str  # "up" | "down" | "slide"
    goal: float


def tasks_of(reqs: list[Requirement]) -> list[Task]:
    """The attacker questions that make up the requirements (none for a bound already met)."""
    tasks = []
    for r in reqs:
        if r.value is None:
            if r.sliding > 0:
                tasks.append(Task(r.cell, "slide", r.sliding))
            continue
        if r.upper > 0:
            tasks.append(Task(r.cell, "up", r.value + r.upper))
        floor = max(0.0, r.value - r.lower)
        if floor < r.value:
            tasks.append(Task(r.cell, "down", floor))
    return tasks


def _matrix(n: int, lines: list[tuple[int, np.ndarray]]) -> sparse.csc_matrix:
    rows, cols, vals = [], [], []
    for r, (total, parts) in enumerate(lines):
        rows += [r] * (len(parts) + 1)
        cols += [total, *parts.tolist()]
        vals += [1.0] + [-1.0] * len(parts)
    return sparse.csc_matrix((vals, (rows, cols)), shape=(len(lines), n))


def new_highs() -> highspy.Highs:
    h = _quietly(highspy.Highs)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 1)
    return h


def _quietly(make):
    """HiGHS prints its licence banner on the C-level stdout when created, before any option can
    silence it: the office's terminal and logs should not show it at every period."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return make()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def pass_model(h: highspy.Highs, a: sparse.csc_matrix, cost, lower, upper, row_lower,
               row_upper) -> None:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.asarray(upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    h.passModel(lp)


class Attacker:
    """The LP attacker of one period.

    Published cells are constants, so each LP only has the withheld cells as columns and the
    lines that hold one as rows; and a withheld cell only interacts with the withheld cells it is
    connected to through such lines (its component). One warm HiGHS model (primal simplex, which
    stays feasible when only the objective changes; the dual simplex when it stalls) per component
    per pattern.
    """

    def __init__(self, value: np.ndarray, lines: list[tuple[int, np.ndarray]]) -> None:
        self.n = len(value)
        self.value = value
        self.known = np.where(np.isnan(value), 0.0, value)
        self.m = _matrix(self.n, lines).tocsr()
        self.set_pattern(np.zeros(self.n, dtype=bool))

    def set_pattern(self, withheld: np.ndarray) -> None:
        """Withheld cells range over [0, inf); the others are fixed at their values."""
        self.withheld = withheld
        published = ~withheld
        self.lb = np.where(published, self.known, 0.0)
        self.ub = np.where(published, self.known, INF)
        free = np.flatnonzero(withheld)
        touched = np.flatnonzero(np.asarray(abs(self.m[:, free]).sum(axis=1)).ravel() > 0)
        b = self.m[touched][:, free]
        graph = (sparse.bmat([[None, b.T], [b, None]], format="csr") if len(touched)
                 else sparse.csr_matrix((len(free), len(free))))
        _, labels = connected_components(graph, directed=False)
        self.component = np.full(self.n, -1)
        self.component[free] = labels[: len(free)]
        row_labels = labels[len(free):]
        self.comp_rows = {int(c): touched[row_labels == c] for c in np.unique(labels[: len(free)])}
        self.rhs = -(self.m @ np.where(published, self.known, 0.0))
        self.models: dict[int, tuple[highspy.Highs, np.ndarray, np.ndarray]] = {}

    def _model(self, comp: int):
        if comp not in self.models:
            cols = np.flatnonzero(self.component == comp)
            rows = self.comp_rows[comp]
            h = new_highs()
            h.setOptionValue("presolve", "off")
            h.setOptionValue("solver", "simplex")
            h.setOptionValue("simplex_strategy", PRIMAL)
            pass_model(h, self.m[rows][:, cols].tocsc(), np.zeros(len(cols)), self.lb[cols],
                       self.ub[cols], self.rhs[rows], self.rhs[rows])
            self.models[comp] = (h, cols, rows)
        return self.models[comp]

    def _run(self, comp: int, cells: np.ndarray, sign: float, lower, upper):
        """min sign * sum y_cells with the given bounds on those cells, in one component.

        Returns (objective, witness (cells, values))."""
        h, cols, _ = self._model(comp)
        j = np.searchsorted(cols, cells).astype(np.int32)
        k = len(j)
        h.changeColsCost(k, j, np.full(k, sign))
        h.changeColsBounds(k, j, np.asarray(lower, float), np.asarray(upper, float))
        try:
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                status = _solve_dual(h)
            if status == highspy.HighsModelStatus.kInfeasible:
                raise ValueError("the published values contradict the table's equations")
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"attacker LP: {h.modelStatusToString(status)}")
            return h.getInfo().objective_function_value, (cols, np.array(h.getSolution().col_value))
        finally:
            h.changeColsCost(k, j, np.zeros(k))
            h.changeColsBounds(k, j, self.lb[cells], self.ub[cells])

    def batch(self, tasks: list[Task]) -> dict[int, tuple]:
        """Certify many up (or down) tasks of a component with one LP: {task number: witness}.

        Pushing every cell towards its goal at once often reaches all of them; the ones it does
        not reach are left for ``check``.
        """
        found: dict[int, tuple] = {}
        groups: dict[tuple[int, str], list[int]] = {}
        for k, t in enumerate(tasks):
            if t.kind in ("up", "down"):
                groups.setdefault((int(self.component[t.cell]), t.kind), []).append(k)
        for (comp, kind), ks in groups.items():
            cells = np.array([tasks[k].cell for k in ks])
            order = np.argsort(cells)
            cells, ks = cells[order], [ks[o] for o in order]
            if len(np.unique(cells)) != len(cells):
                continue
            goals = np.array([tasks[k].goal for k in ks])
            if kind == "up":
                _, w = self._run(comp, cells, -1.0, np.zeros(len(cells)), goals)
                y = w[1][np.searchsorted(w[0], cells)]
                hit = y >= goals - TOL * (1 + np.abs(goals))
            else:
                _, w = self._run(comp, cells, 1.0, goals, np.full(len(cells), INF))
                y = w[1][np.searchsorted(w[0], cells)]
                hit = y <= goals + TOL * (1 + np.abs(goals))
            for k, h in zip(ks, hit):
                if h:
                    found[k] = (w,)
        return found

    def check(self, task: Task) -> tuple | None:
        """The attacker's solutions that reach the task's goal under the pattern, or None."""
        p = task.cell
        comp = int(self.component[p])
        one = np.array([p])
        if task.kind == "up":  # min -y_p, with y_p capped at the goal
            obj, w = self._run(comp, one, -1.0, [0.0], [task.goal])
            return (w,) if -obj >= task.goal - TOL * (1 + abs(task.goal)) else None
        if task.kind == "down":  # min y_p, with y_p floored at the goal
            obj, w = self._run(comp, one, 1.0, [task.goal], [INF])
            return (w,) if obj <= task.goal + TOL * (1 + abs(task.goal)) else None
        lo, w1 = self._run(comp, one, 1.0, [0.0], [INF])
        goal = lo + task.goal
        obj, w2 = self._run(comp, one, -1.0, [0.0], [goal])
        return (w1, w2) if -obj >= goal - TOL * (1 + abs(goal)) else None


def _solve_dual(h: highspy.Highs) -> highspy.HighsModelStatus:
    """Solve again from scratch with the dual simplex (its status) when the primal one failed.

    On these degenerate LPs (coefficients +-1) HiGHS's primal simplex can stall on a basis change
    it marked taboo and stop at Unknown, warm or from scratch alike; the dual simplex solves them.
    An Infeasible verdict is checked the same way before it is believed.
    """
    h.clearSolver()
    h.setOptionValue("simplex_strategy", DUAL)
    try:
        h.run()
    finally:
        h.setOptionValue("simplex_strategy", PRIMAL)
    return h.getModelStatus()
