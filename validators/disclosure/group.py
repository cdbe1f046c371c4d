"""Protect the tables of one source together: primaries, group disclosure, hypercubes, the audit.

For each period of the linked space (``linked``):
1. confidential cells: a count from 1 to T-1 under the strictest rule of any table publishing it;
   in a sensitive table, where a small line is wholly in one cell and its siblings are 0 ("all 7
   adults expelled were men": group disclosure), one of those zeros, which must be able to be 1;
2. their hypercubes (``hypercube``); a need no hypercube meets is left to the audit, as the
   other hypercubes often cover it;
3. the audit (``linkedattack``) of every confidential cell against everything published. A cell
   it narrows gets the cheapest balancing move over every line of the source's tables (``moves``,
   an LP), then, if still narrowed, the lines through it withheld, then its blocks, then its
   blocks' grand totals (a table too small to hide it); a period still failing is withheld whole;
4. the largest complementary cells offered back while the audit still passes.
Nothing is published that the audit has not passed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd

from .hypercube import Need, protect
from .linked import CONF, VALUE, Linked, Part, build_linked
from .linkedattack import broken_needs, still_shown
from .moves import balancing_cells
from .rules import DisclosureRule

TOL = 1e-6


@dataclass
class Outcome:
    """What happened to one group (internal: which withheld cells were primary stays here)."""

    withheld: dict[tuple[str, object], bool] = field(default_factory=dict)  # (rid, row) -> primary?
    audited: int = 0
    failures: int = 0
    escalated: int = 0
    unmet: int = 0
    periods_whole: int = 0


def cell_rules(linked: Linked, rules: dict[str, DisclosureRule]) -> list[DisclosureRule]:
    """The strictest rule of the tables publishing each cell."""
    return [max((rules[rid] for rid, _ in rows), key=lambda r: (r.threshold, r.upper, r.lower))
            for rows in linked.rows]


def needs_of(linked: Linked, value: np.ndarray, rules: list[DisclosureRule],
             sensitive: set[str]) -> dict[int, Need]:
    out: dict[int, Need] = {}
    for i, (v, rule) in enumerate(zip(value, rules)):
        if np.isnan(v):  # withheld by the source, value unknown to us: it must be able to slide by U
            if linked.source_c[i]:
                out[i] = Need(i, rule.upper, 0.0)
            continue
        if linked.source_c[i] or 1 <= v < rule.threshold or (rule.zeros_disclose and v == 0):
            out[i] = Need(i, rule.upper, min(v, rule.lower))
    limit = 2 * max((r.threshold for r in rules), default=0)  # "fewer than 2T persons, all men"
    for block in linked.blocks:
        if block.rid not in sensitive:
            continue
        for axis in range(block.ids.ndim):
            for row in np.moveaxis(block.ids, axis, -1).reshape(-1, block.ids.shape[axis]):
                parts = row[1:][row[1:] >= 0]
                if row[0] < 0 or len(parts) < 2 or np.isnan(value[parts]).any():
                    continue
                t, nonzero, zeros = value[row[0]], parts[value[parts] > 0], parts[value[parts] == 0]
                # "all 7 were men" is known as long as the zeros beside them are: one of them must be
                # able to be 1 (the men's cell 1 lower is not enough: the total may move with it)
                if 1 <= t < limit and len(nonzero) == 1 and value[nonzero[0]] == t and len(zeros) \
                        and not any(int(z) in out for z in zeros):
                    out[int(zeros[0])] = Need(int(zeros[0]), 1.0, 0.0)
    return out


def _broken(linked: Linked, withheld: np.ndarray, needs: dict[int, Need], out: Outcome) -> list[int]:
    """The audit; the solutions that showed the kept promises are kept for ``_release_largest``."""
    linked.cache["witnesses"] = {}
    return broken_needs(linked, withheld, needs, linked.cache["witnesses"])


def _withhold_around(linked: Linked, cells: list[int], withheld: np.ndarray, keep: np.ndarray,
                     whole_blocks: bool) -> None:
    """Withhold, in every block holding one of ``cells``, the lines through it (or the whole block),
    but never a cell in ``keep`` (grand totals; figures nobody knows)."""
    wanted = list(set(cells))
    for block in linked.blocks:
        if block.ids.ndim == 0:
            continue
        for at in zip(*np.nonzero(np.isin(block.ids, wanted))):
            if whole_blocks:
                inside = block.ids[block.ids >= 0]
            else:
                inside = np.concatenate([block.ids[at[:k] + (slice(None),) + at[k + 1:]] for k in range(len(at))])
                inside = inside[inside >= 0]
            withheld[inside[~keep[inside]]] = True


RELEASE_TRIES = 4  # largest complementary cells per period offered back, each kept only if the audit passes


def _release_largest(linked: Linked, withheld: np.ndarray, needs: dict[int, Need], value: np.ndarray) -> None:
    """Greedy hypercubes sometimes take a big cell that the rest of the pattern makes needless:
    the largest complementary cells are published again, one at a time, when the audit still passes."""
    spare = [int(i) for i in np.flatnonzero(withheld) if int(i) not in needs and not np.isnan(value[i])]
    shown = linked.cache.get("witnesses", {})  # of the last audit, which passed
    for i in sorted(spare, key=lambda c: -value[c])[:RELEASE_TRIES]:
        withheld[i] = False
        # only the promises whose last proof moved cell i are asked again: the others still hold
        asked = {c: n for c, n in needs.items() if c not in shown or not still_shown(shown[c], i, value[i])}
        fresh: dict = {}
        if broken_needs(linked, withheld, asked, fresh):
            withheld[i] = True
        else:
            shown.update(fresh)


def _publish_implied(linked: Linked, withheld: np.ndarray, needs: dict[int, Need]) -> None:
    """A complementary cell that is alone withheld on a line is known anyway (the total minus the
    rest): withholding it hides nothing, so it is published. Until no line changes."""
    eq = [(t, p) for t, p, kind in linked.lines() if kind == "eq"]
    changed = True
    while changed:
        changed = False
        for total, parts in eq:
            cells = np.append(parts, total)
            hidden = cells[withheld[cells]]
            if len(hidden) == 1 and int(hidden[0]) not in needs and not np.isnan(linked.value[int(hidden[0])]):
                withheld[hidden[0]] = False
                changed = True


def protect_period(linked: Linked, rules: dict[str, DisclosureRule], sensitive: set[str], out: Outcome) -> None:
    value, _, grand = linked.arrays()
    keep = grand | np.isnan(value)
    needs = needs_of(linked, value, cell_rules(linked, rules), sensitive)
    out.audited += len(needs)
    withheld = np.zeros(len(value), dtype=bool)
    withheld[list(needs)] = True
    withheld, unmet = protect(linked, list(needs.values()), withheld)
    out.unmet += len(unmet)  # often covered by the other hypercubes: the audit says
    broken = _broken(linked, withheld, needs, out)
    if broken:  # no hypercube served them: the cheapest move over every line of the linked tables
        for cell in broken:
            withheld[balancing_cells(linked, needs[cell], withheld)] = True
        broken = _broken(linked, withheld, needs, out)
    # reinforce: the lines through a narrowed cell, then its blocks, then its blocks' grand totals too
    # (a table too small to hide a cell under its own total: never the other tables' periods)
    for kept, whole_blocks in ((keep, False), (keep, True), (np.isnan(value), True)):
        if not broken:
            break
        out.escalated += len(broken)
        _withhold_around(linked, broken, withheld, kept, whole_blocks)
        broken = _broken(linked, withheld, needs, out)
    if broken:  # nothing but non-negativity left to the attacker
        out.periods_whole += 1
        out.failures += 1
        withheld[~np.isnan(value)] = True
    if not broken:
        _release_largest(linked, withheld, needs, value)
    _publish_implied(linked, withheld, needs)
    for i in np.flatnonzero(withheld):
        for row in linked.rows[i]:
            out.withheld[row] = i in needs


def period_outcome(linked: Linked, rules: dict[str, DisclosureRule], sensitive: set[str]) -> Outcome:
    """One period's pattern: periods share no cell, so each is protected on its own (in a worker)."""
    out = Outcome()
    protect_period(linked, rules, sensitive, out)
    return out


def merged(outcomes: Iterable[Outcome]) -> Outcome:
    out = Outcome()
    for one in outcomes:
        out.withheld.update(one.withheld)
        for name in ("audited", "failures", "escalated", "unmet", "periods_whole"):
            setattr(out, name, getattr(out, name) + getattr(one, name))
    return out


def protect_group(parts: list[Part], rules: dict[str, DisclosureRule], sensitive: set[str],
                  pool: Executor | None = None) -> Outcome:
    """Which rows of the group's tables to withhold (and whether each is primary). With a pool, the
    periods are protected in parallel; the result is the same, merged in period order."""
    periods = list(build_linked(parts).values())
    if pool is None or len(periods) < 2:
        return merged(period_outcome(linked, rules, sensitive) for linked in periods)
    return merged(pool.map(period_outcome, periods, repeat(rules), repeat(sensitive)))


def apply(table: pd.DataFrame, rid: str, out: Outcome) -> pd.DataFrame:
    """The table with its withheld rows flagged C and emptied (contract v2: one flag)."""
    result = table.copy()
    result[CONF] = result[CONF].astype(object)
    rows = [label for (r, label) in out.withheld if r == rid]
    result.loc[rows, CONF] = "C"
    result.loc[result[CONF] == "C", VALUE] = None
    return result


def counts(before: pd.DataFrame, rid: str, out: Outcome) -> dict:
    """Per table, for the manifest: cells, primaries, secondaries, share of the count withheld."""
    flags = {label: primary for (r, label), primary in out.withheld.items() if r == rid}
    free = before[CONF].astype(str) == "F"
    values = pd.to_numeric(before[VALUE], errors="coerce").fillna(0)
    withheld = before.index.isin(list(flags))
    total = float(values[free].sum()) or 1.0
    return {"cells": len(before), "primary": sum(flags.values()), "secondary": len(flags) - sum(flags.values()),
            "source_withheld": int((~free).sum()),
            "withheld_share": round(float(values[free & withheld].sum()) / total, 4)}


def timed(fn, *args):
    start = time.monotonic()
    result = fn(*args)
    return result, round(time.monotonic() - start, 2)
