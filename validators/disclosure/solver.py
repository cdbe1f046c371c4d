"""Secondary suppression: choose the complementary cells at least cost with HiGHS.

The model (Fischetti and Salazar-Gonzalez's cell suppression problem): a binary x_i per cell
that may be withheld; primary, source-withheld and latent cells fixed at 1; minimise the total
cost of the withheld cells subject to covering inequalities that say "the attacker cannot narrow
this cell" (see ``lp``; the MILP itself is in ``milp``):

1. inequalities read off single lines (a one-line attacker) to start with;
2. a cutting-plane phase on the LP relaxation: the attacker of the fractional pattern gives row
   multipliers whose cuts are valid for every 0/1 pattern; added while they cut off the relaxation;
3. the MILP loop: solve, run the attacker LPs on the pattern, add the cuts of the cells still
   exposed, repeat until none is. A pattern contained in a rejected one is rejected too (the
   attacker only learns more), so "withhold at least one more cell" is always valid: the fallback
   when numerical noise makes a dual cut fail to separate.

The final pattern is checked by the attacker itself, so the promise never rests on the cuts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .lp import TOL, Attacker, Requirement, Task, normalise, tasks_of
from .milp import Selector, initial_rows


@dataclass
class Outcome:
    withheld: np.ndarray  # bool per cell
    optimal: bool  # the MILP proved the pattern cheapest (within its gap)


def suppress(value: np.ndarray, lines: list[tuple[int, np.ndarray]], fixed: np.ndarray,
             reqs: list[Requirement], cost: np.ndarray, *, time_limit: float = 60.0,
             max_rounds: int = 500, prune: bool = True) -> Outcome:
    """Cheapest set of extra cells to withhold so that every requirement holds.

    ``fixed`` marks the cells withheld whatever happens (primary, source-withheld, latent); the
    others are the decision cells and must have known values.
    """
    start = time.monotonic()
    decision = ~fixed
    if np.isnan(value[decision]).any():
        raise ValueError("a cell that may be published has no value")
    tasks = tasks_of(reqs)
    withheld = fixed.copy()
    if not tasks:
        return Outcome(withheld, True)
    attacker = Attacker(value, lines, decision)
    selector = Selector(len(value), decision, cost)
    for cells, coefs in initial_rows(value, lines, decision, tasks):
        selector.add(cells, coefs)
    _relaxation_cuts(selector, attacker, tasks, fixed, decision, start, time_limit)
    witnesses: dict[int, tuple] = {}
    best: np.ndarray | None = None  # cheapest protecting pattern met on the way
    optimal, rounds, repaired = True, 0, False
    while True:
        remaining = time_limit - (time.monotonic() - start)
        x = None
        if rounds < max_rounds and remaining > 0:
            try:
                x, optimal = selector.solve(remaining, start=best)
            except TimeoutError:
                x = None
        if x is None:  # out of budget: the best protecting pattern met, or a greedy repair
            # Pruning re-solves the attacker per withheld cell: worth it, but not within a tight budget.
            if best is not None:
                withheld = _prune(attacker, best, tasks, decision, cost) if prune else best
            else:
                withheld = _repair(attacker, withheld, tasks, decision, cost, prune)
            repaired = True
            break
        rounds += 1
        withheld = fixed | x
        attacker.set_pattern(withheld)
        cuts, protecting = _separate(attacker, tasks, witnesses, value, decision, withheld, cost)
        if not cuts:
            break
        if protecting is not None and (best is None or cost[protecting].sum() < cost[best].sum()):
            best = protecting
        for cells, coefs in cuts:
            selector.add(cells, coefs)
    withheld = _drop_recoverable(withheld, fixed, lines)
    return Outcome(withheld, optimal and not repaired)


def _relaxation_cuts(selector: Selector, attacker: Attacker, tasks: list[Task],
                     fixed: np.ndarray, decision: np.ndarray, start: float, time_limit: float,
                     max_rounds: int = 50) -> None:
    """Cutting planes on the LP relaxation, so that the MILP starts close to the answer.

    A cell partly withheld (0 < x < 1) may move by a fraction of ``reach`` up and of its value
    down; the attacker LPs of that fractional pattern give multipliers, and their (always valid)
    cuts are added when the relaxation violates them.
    """
    reach = max([abs(t.goal - (attacker.value[t.cell] if t.kind != "slide" else 0.0))
                 for t in tasks] + [1.0])
    for _ in range(max_rounds):
        if time.monotonic() - start > time_limit / 4:
            return
        x = selector.relaxation()
        attacker.set_pattern(fixed | (decision & (x > 1e-9)), x, reach)
        added = 0
        # many tasks: settle most of them with batch LPs first (on small tables the individual
        # LPs are cheap and their duals happened to give stronger cuts)
        todo = _unsettled(attacker, tasks) if len(tasks) > 200 else range(len(tasks))
        for k in todo:
            ok, cut = attacker.check(tasks[k])
            if ok is not None:
                continue
            normal = normalise(*cut, decision)
            if normal is not None and np.sum(normal[1] * x[normal[0]]) < 1 - 1e-3:
                selector.add(*normal)
                added += 1
        if not added:
            return


def _drop_recoverable(withheld: np.ndarray, fixed: np.ndarray, lines) -> np.ndarray:
    """Publish secondary cells that a single line gives away anyway (they protect nothing).

    Only reachable after a greedy repair or within the MILP gap; publishing a cell whose value
    the attacker already knows changes nothing the attacker can learn.
    """
    withheld = withheld.copy()
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            members = np.concatenate(([total], parts))
            hidden = members[withheld[members]]
            if len(hidden) == 1 and not fixed[hidden[0]]:
                withheld[hidden[0]] = False
                changed = True
    return withheld


def _separate(attacker: Attacker, tasks: list[Task], witnesses: dict[int, tuple],
              value: np.ndarray, decision: np.ndarray, withheld: np.ndarray,
              cost: np.ndarray, deepen: int = 6):
    """Cuts for the tasks the pattern fails (witnesses refreshed for the ones it passes).

    Then a few greedy steps: withhold the best cell (coefficient per cost) of each failing cut
    and ask the attacker again, which gives more cuts, valid everywhere, around the pattern the
    MILP is likely to try next; and a protecting pattern when the steps get there.
    Returns (cuts, protecting pattern or None).
    """
    todo = [k for k in range(len(tasks))
            if not (k in witnesses and _still_valid(witnesses[k], value, decision, withheld))]
    for _ in range(3):  # batch LPs first: each certifies many tasks at once
        if not todo:
            break
        found = attacker.batch([tasks[k] for k in todo])
        if not found:
            break
        for j, w in found.items():
            witnesses[todo[j]] = w
        todo = [k for j, k in enumerate(todo) if j not in found]
    cuts, failing = [], []
    for k in todo:
        ok, cut = attacker.check(tasks[k])
        if ok is not None:
            witnesses[k] = ok
        else:
            cuts.append(_separating(*cut, decision, withheld))
            failing.append(k)
    if not failing:
        return cuts, withheld
    pattern, last = withheld.copy(), cuts[:]
    for _ in range(deepen):
        for cells, coefs in last:
            open_ = ~pattern[cells]
            if open_.any():
                ratio = coefs[open_] / cost[cells[open_]]
                pattern[cells[open_][np.argmax(ratio)]] = True
        attacker.set_pattern(pattern)
        last, still = [], []
        for k in failing:
            ok, cut = attacker.check(tasks[k])
            if ok is None:
                last.append(_separating(*cut, decision, pattern))
                still.append(k)
        cuts += last
        if not still:
            return cuts, (pattern if _passes(attacker, tasks) else None)
        failing = still
    return cuts, None


def _unsettled(attacker: Attacker, tasks: list[Task], todo: list[int] | None = None) -> list[int]:
    """The tasks a few batch LPs (each pushing many cells at once) could not settle."""
    todo = list(range(len(tasks))) if todo is None else todo
    for _ in range(3):
        found = attacker.batch([tasks[k] for k in todo]) if todo else {}
        todo = [k for j, k in enumerate(todo) if j not in found]
        if not found:
            break
    return todo


def _passes(attacker: Attacker, tasks: list[Task]) -> bool:
    """Every task holds under the attacker's current pattern."""
    return all(attacker.check(tasks[k])[0] is not None for k in _unsettled(attacker, tasks))


def _separating(coef, rhs, decision, withheld):
    """The dual cut when it excludes the current pattern, else 'withhold one more cell'."""
    cut = normalise(coef, rhs, decision)
    if cut is not None and np.sum(cut[1][withheld[cut[0]]]) < 1 - 1e-6:
        return cut
    cells = np.flatnonzero(decision & ~withheld)
    return cells, np.ones(len(cells))


def _still_valid(witness, value: np.ndarray, decision: np.ndarray, withheld: np.ndarray) -> bool:
    """A witness stays an attacker solution while every cell it moves is still withheld.

    (Its cells keep their values, every other cell its true value: all equations still hold.)
    """
    for cells, y in witness:
        dec = decision[cells]
        moved = dec & (np.abs(y - np.where(dec, value[cells], 0.0))
                       > TOL * (1 + np.abs(np.nan_to_num(value[cells]))))
        if not withheld[cells[moved]].all():
            return False
    return True


def _repair(attacker: Attacker, withheld: np.ndarray, tasks: list[Task],
            decision: np.ndarray, cost: np.ndarray, prune: bool = True) -> np.ndarray:
    """Greedy completion when the budget runs out, then pruned.

    Each pass withholds, for every failing cell, the best cell (coefficient per cost) of its
    cut, so it ends (withholding everything protects).
    """
    withheld = withheld.copy()
    pending = list(tasks)
    while True:
        attacker.set_pattern(withheld)
        added = False
        failing = []
        # Withholding more only widens the attacker's intervals: a task that holds keeps holding.
        for task in pending:
            ok, cut = attacker.check(task)
            if ok is None:
                failing.append(task)
                cells, coefs = _separating(*cut, decision, withheld)
                open_ = ~withheld[cells]
                if open_.any():
                    ratio = coefs[open_] / cost[cells[open_]]
                    withheld[cells[open_][np.argmax(ratio)]] = True
                    added = True
        pending = failing
        if not added:
            return _prune(attacker, withheld, tasks, decision, cost) if prune else withheld


def _prune(attacker: Attacker, withheld: np.ndarray, tasks: list[Task], decision: np.ndarray,
           cost: np.ndarray) -> np.ndarray:
    """Publish again, most expensive first, every complementary cell the promise can spare."""
    withheld = withheld.copy()
    for j in sorted(np.flatnonzero(withheld & decision), key=lambda i: -cost[i]):
        withheld[j] = False
        attacker.set_pattern(withheld)
        if not _passes(attacker, tasks):
            withheld[j] = True
    attacker.set_pattern(withheld)
    return withheld
