"""Primary and secondary cell suppression of tables protected together.

Counts of trafficking victims, expelled persons or unaccompanied children broken down by sex, age
and nationality produce cells of one or two persons. Publishing them can identify a person, and
withholding a lone cell is useless when it equals a published total minus the published cells
beside it. This module withholds the cells the rule (``rules``) makes confidential (primary
suppression), then chooses, at least cost, further cells to withhold (secondary suppression, see
``solver``) so that no withheld cell can be narrowed down from everything the edition publishes.

The promise (what the tests check with an LP attacker that knows every published value of the
tables protected together, all their additivity equations and that no cell is negative): for
every confidential withheld cell with true value v, the set of values the attacker cannot rule
out is an interval [lo, hi] with

    lo <= max(0, v - L)   and   hi >= v + U,

L = ``protection_lower`` and U = ``protection_upper`` of the rule (both T by default). So, by
default, a withheld count v of 1 or 2 can neither be told apart from 0 nor shown to be below
v + T. A cell withheld by the source whose value we do not know gets hi - lo >= U (it cannot be
pinned down). Totals are withheld too when publishing them would break this (they are ordinary
candidates for secondary suppression, at their cost).
Secondary cells carry no promise of their own; they are flagged ``D``, primary ones ``C``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validators.spec.model import TOTAL

from .lp import Requirement
from .rules import DisclosureRule, primary_mask
from .solver import suppress
from .space import CONF, PERIOD, VALUE, Space, build_spaces


@dataclass(frozen=True)
class ProtectionSummary:
    cells: int
    primary: int  # withheld by the rule (C)
    secondary: int  # withheld to protect them (D)
    source_withheld: int  # already withheld by the source (C)
    withheld_share: float  # share of the total (finest cells) sitting in withheld cells
    rule: str  # description
    parameters: dict  # manifest entry of the rule
    optimal: bool  # the secondary pattern is proven cheapest (within 0.01 %)

    def manifest(self) -> dict:
        return {**self.parameters, "cells": self.cells, "primary": self.primary,
                "secondary": self.secondary, "source_withheld": self.source_withheld,
                "withheld_share": round(self.withheld_share, 6), "optimal": self.optimal}


@dataclass(frozen=True)
class ProtectedTable:
    table: pd.DataFrame
    summary: ProtectionSummary


def protect(df: pd.DataFrame, dims: list[str], rule: DisclosureRule, *,
            time_limit: float = 60.0) -> ProtectedTable:
    """Withhold the confidential cells of one table and a cheapest protecting complement.

    Withheld cells get an empty ``obs_value`` and ``conf_status`` C (primary) or D (secondary);
    cells the source withheld (C) stay withheld and keep their flag. ``time_limit`` is per period;
    past it the best pattern found is completed greedily (still protecting, maybe not cheapest).
    """
    return protect_many([(df, dims)], rule, time_limit=time_limit)[0]


def protect_many(tables: Sequence[tuple[pd.DataFrame, list[str]]],
                 rule: DisclosureRule | Sequence[DisclosureRule], *, time_limit: float = 60.0,
                 prune: bool = True) -> list[ProtectedTable]:
    """Protect tables built from the same source jointly.

    A cell is the same cell in every table that publishes it (same period, same codes, ``_T`` for
    the dimensions a table lacks): it is withheld in all or none, and the attacker is given the
    union of every table's equations (plus the hidden full cross-classification when the tables
    share code lists, see ``space``).
    """
    tables = [(df, list(dims)) for df, dims in tables]
    rules = list(rule) if isinstance(rule, Sequence) else [rule] * len(tables)
    if len(rules) != len(tables):
        raise ValueError("give one rule, or one rule per table")
    spaces = build_spaces(tables, latent=True)
    primaries = [primary_mask(df, r).to_dict() for (df, _), r in zip(tables, rules)]
    status: dict[tuple[str, int], str] = {}  # (period, cell) -> C / D
    optimal = True
    for space in spaces.values():
        fixed, reqs, flags = _classify(space, rules, primaries)
        out = suppress(space.value, space.lines, fixed, reqs, cell_cost(space), time_limit=time_limit, prune=prune)
        optimal &= out.optimal
        for i in np.flatnonzero(out.withheld):
            status[(space.period, int(i))] = flags.get(int(i), "D")
    return [_publish(t, df, dims, rules[t], spaces, status, optimal)
            for t, (df, dims) in enumerate(tables)]


def cell_cost(space: Space) -> np.ndarray:
    """The information lost by withholding a cell: 1 plus its value (scaled down in large tables)."""
    return 1.0 + np.nan_to_num(space.value) * min(1.0, 1000.0 / max(np.nanmax(np.append(space.value, 1.0)), 1.0))


def _classify(space: Space, rules: list[DisclosureRule], primaries: list[dict]):
    """Cells withheld whatever happens, their requirements, and their flags."""
    fixed = space.latent | space.source_c | np.isnan(space.value)
    levels: dict[int, tuple[float, float]] = {}
    slide: dict[int, float] = {}
    flags: dict[int, str] = {}
    for (t, label), i in space.rows.items():
        r, known = rules[t], not np.isnan(space.value[i])
        if primaries[t][label] or (space.source_c[i] and known):
            old = levels.get(i, (0.0, 0.0))
            levels[i] = (max(old[0], r.lower), max(old[1], r.upper))
            fixed[i] = True
            flags[i] = "C"
        elif space.source_c[i]:  # withheld by the source, value unknown: keep it uncertain
            slide[i] = max(slide.get(i, 0.0), r.upper)
            flags[i] = "C"
        elif not known:
            flags[i] = "unknown"  # missing in the source, not confidential: left as it is
    reqs = [Requirement(i, float(space.value[i]), upper=u, lower=lo) for i, (lo, u) in levels.items()]
    reqs += [Requirement(i, None, sliding=w) for i, w in slide.items() if w > 0]
    return fixed, reqs, flags


def _publish(t, df, dims, rule, spaces, status, optimal) -> ProtectedTable:
    out = df.copy()
    if CONF not in out.columns:
        out[CONF] = "F"
    out[CONF] = out[CONF].astype(object)
    out[VALUE] = pd.to_numeric(out[VALUE], errors="coerce").astype(float)
    flags = []
    for label, period in zip(df.index, df[PERIOD].astype(str)):
        space = spaces[period]
        flags.append(status.get((period, space.rows[(t, label)])))
    flags = pd.Series(flags, index=df.index, dtype=object)
    withheld = flags.isin(["C", "D"])
    source_c = df[CONF].astype(str).eq("C") if CONF in df.columns else pd.Series(False, df.index)
    out.loc[withheld, VALUE] = np.nan
    out.loc[withheld & ~source_c, CONF] = flags[withheld & ~source_c]
    out[CONF] = out[CONF].astype(str)
    finest = pd.Series(True, index=df.index)
    for d in dims:
        finest &= df[d].astype(str) != TOTAL
    true = pd.to_numeric(df[VALUE], errors="coerce")
    total = true[finest].sum()
    share = float(true[finest & withheld].sum() / total) if total > 0 else 0.0
    summary = ProtectionSummary(
        cells=len(df), primary=int((withheld & ~source_c & (flags == "C")).sum()),
        secondary=int((flags == "D").sum()), source_withheld=int(source_c.sum()),
        withheld_share=share, rule=rule.describe(), parameters=rule.manifest(),
        optimal=bool(optimal))
    return ProtectedTable(out, summary)
