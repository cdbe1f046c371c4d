"""Audit before publish: the attacker run on everything a source's tables publish, and the repair.

Whatever produced a suppression pattern (the optimiser, the fallback that withholds the totals),
the pattern is published only after the independent LP attacker (``attack``) has been given every
published cell of the tables protected together (all crossings, all periods, every additive
relation, the hidden full cube, non-negativity) and has failed to narrow any confidential cell:

    lo <= max(0, v - L)   and   hi >= v + U       (a cell withheld by the source: hi - lo >= U)

When it succeeds, cells are added (greedily, at least value, by the cuts of ``lp``) until it
fails; the pattern is audited again. What reaches the manifest per table: the withheld cells
audited, how many carry a promise, failures (0 when published), and the narrowest interval width
and smallest margin over the promise. Never a cell's value or its position: the interval of a
withheld cell together with its margin would give the value away.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .attack import attacker_intervals
from .lp import Attacker, tasks_of
from .protect import ProtectedTable, _classify, _publish, cell_cost
from .rules import DisclosureRule, primary_mask
from .solver import _passes, _repair
from .space import CONF, VALUE, build_spaces

TOL = 1e-6


@dataclass(frozen=True)
class Part:
    """One sub-table (a crossing of a request) before and after suppression (internal C/D flags)."""

    rid: str
    before: pd.DataFrame
    after: pd.DataFrame
    dims: list[str]
    rule: DisclosureRule


def audit(parts: list[Part]) -> tuple[dict[str, dict], int]:
    """Per request: what the attacker was given and found; and the number of broken promises."""
    intervals = attacker_intervals([(p.after, p.dims) for p in parts])
    stats: dict[str, dict] = {}
    broken = 0
    for part, found in zip(parts, intervals):
        s = stats.setdefault(part.rid, {"cells_audited": 0, "promised": 0, "failures": 0,
                                        "narrowest_width": None, "smallest_margin": None})
        primary = primary_mask(part.before, part.rule)
        source_c = part.before[CONF].astype(str).eq("C")
        true = pd.to_numeric(part.before[VALUE], errors="coerce")
        for label, (lo, hi) in found.iterrows():
            s["cells_audited"] += 1
            v = true.get(label)
            if primary.get(label, False) or (source_c.get(label, False) and pd.notna(v)):
                margin = min(max(0.0, v - part.rule.lower) - lo, hi - (v + part.rule.upper))
            elif source_c.get(label, False):
                margin = (hi - lo) - part.rule.upper
            else:
                continue  # a complementary cell: no promise of its own
            s["promised"] += 1
            width = hi - lo
            s["narrowest_width"] = _min(s["narrowest_width"], width)
            s["smallest_margin"] = _min(s["smallest_margin"], margin)
            if margin < -TOL * (1 + abs(v if pd.notna(v) else 0.0)):
                s["failures"] += 1
                broken += 1
    return stats, broken


def _min(old, new: float):
    new = float(new) if np.isfinite(new) else None
    if new is None:
        return old
    return new if old is None else min(old, new)


def reinforce(parts: list[Part]) -> list[ProtectedTable]:
    """The parts' patterns, with cells added until the attacker of ``lp`` narrows no promised cell.

    Withholding more only widens the attacker's intervals, so the greedy completion ends (at
    worst with everything withheld). Cells already withheld stay withheld.
    """
    tables = [(p.before, p.dims) for p in parts]
    rules = [p.rule for p in parts]
    spaces = build_spaces(tables, latent=True)
    primaries = [primary_mask(p.before, p.rule).to_dict() for p in parts]
    status: dict[tuple[str, int], str] = {}
    for space in spaces.values():
        fixed, reqs, flags = _classify(space, rules, primaries)
        withheld = fixed.copy()
        for (t, label), i in space.rows.items():
            if str(parts[t].after.at[label, CONF]) in ("C", "D"):
                withheld[i] = True
        tasks = tasks_of(reqs)
        if tasks:
            attacker = Attacker(space.value, space.lines, ~fixed)
            attacker.set_pattern(withheld)
            if not _passes(attacker, tasks):
                withheld = _repair(attacker, withheld, tasks, ~fixed, cell_cost(space), prune=False)
        for i in np.flatnonzero(withheld):
            status[(space.period, int(i))] = flags.get(int(i), "D")
    return [_publish(t, df, dims, rules[t], spaces, status, False) for t, (df, dims) in enumerate(tables)]


def audited(parts: list[Part], budget: float) -> tuple[list[Part], dict[str, dict]]:
    """The parts as they may be published, and the audit of each request (for the manifest).

    Audit; if a promise is broken, reinforce and audit again. A pattern still failing (or a
    reinforcement past ``budget`` seconds) withholds every cell of the tables: never published
    as it was.
    """
    start = time.monotonic()
    stats, broken = audit(parts)
    repaired = False
    if broken:
        reinforced = reinforce(parts)
        parts = [Part(p.rid, p.before, r.table, p.dims, p.rule) for p, r in zip(parts, reinforced)]
        repaired = True
        stats, broken = audit(parts)
    if broken or time.monotonic() - start > budget:
        parts = withheld_whole(parts)
        stats, broken = audit(parts)
        for s in stats.values():
            s["withheld_whole"] = True
    seconds = round(time.monotonic() - start, 2)
    for s in stats.values():
        s.update({"repaired": repaired, "passed": broken == 0, "seconds": seconds})
    return parts, stats


def withheld_whole(parts: list[Part]) -> list[Part]:
    """Every cell withheld: the attacker is left with non-negativity alone."""
    return [Part(p.rid, p.before, _all_withheld(p), p.dims, p.rule) for p in parts]


def _all_withheld(part: Part) -> pd.DataFrame:
    out = part.before.copy()
    out[CONF] = out[CONF].astype(object)
    out.loc[out[CONF].astype(str) != "C", CONF] = "D"
    out.loc[primary_mask(part.before, part.rule), CONF] = "C"
    out[VALUE] = np.nan
    return out
