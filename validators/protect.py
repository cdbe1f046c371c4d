"""Disclosure control of published tables: primary and secondary cell suppression.

Counts of trafficking victims, expelled persons or unaccompanied children broken down by sex, age
and nationality produce cells of one or two persons. Publishing them can identify a person, and
withholding a lone cell is useless when it equals a published total minus the published cells
beside it. This module withholds the risky cells (primary suppression), then chooses, at least
cost, further cells to withhold (secondary suppression) so that no withheld cell can be narrowed
down from everything the edition publishes.

Rules (``DisclosureRule``):

* ``threshold`` (frequency tables): a count 1 <= n < T is confidential. T comes from the request
  spec but never below ``THRESHOLD_FLOOR``; sensitive tables (trafficking, expulsion, children,
  health) default to ``SENSITIVE_THRESHOLD``. Zeros stay published unless ``zeros_disclose``.
* ``p_percent`` (magnitude tables, from per-cell ``n_contributors``, ``top1``, ``top2``): a cell
  is confidential if it has fewer than ``min_contributors`` contributors or if the second largest
  contributor could estimate the largest to within p %: X - top1 - top2 < p/100 * top1.
  The value of p is kept out of every description, summary and manifest entry.

The promise (what the tests check with an LP attacker that knows every published value of the
tables protected together, all their additivity equations and that no cell is negative): for
every confidential withheld cell with true value v, the set of values the attacker cannot rule
out is an interval [lo, hi] with

    lo <= max(0, v - L)   and   hi >= v + U,

L = ``protection_lower`` and U = ``protection_upper`` (both T by default) for counts; for the p%
rule L = U = p/100 * top1 - (X - top1 - top2) (or p/100 * X when only the contributor count makes
the cell confidential). So, by default, a withheld count v of 1 or 2 can neither be told apart
from 0 nor shown to be below v + T. A cell withheld by the source whose value we do not know gets
hi - lo >= U (it cannot be pinned down). Totals are withheld too when publishing them would break
this (they are ordinary candidates for secondary suppression, at their cost).
Secondary cells carry no promise of their own; they are flagged ``D``, primary ones ``C``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .protect_attack import attacker_interval, attacker_intervals
from .protect_solver import Requirement, suppress
from .protect_space import CONF, PERIOD, TOTAL, VALUE, Space, build_spaces

__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_CONTRIBUTORS_FLOOR",
    "SENSITIVE_THRESHOLD",
    "THRESHOLD_FLOOR",
    "DisclosureRule",
    "ProtectedTable",
    "ProtectionSummary",
    "attacker_interval",
    "attacker_intervals",
    "primary_mask",
    "protect",
    "protect_many",
    "rule_for",
]

THRESHOLD_FLOOR = 3  # no spec can publish a count below this
DEFAULT_THRESHOLD = 3
SENSITIVE_THRESHOLD = 5
MIN_CONTRIBUTORS_FLOOR = 3
DEFAULT_MIN_CONTRIBUTORS = 3
SENSITIVE_MIN_CONTRIBUTORS = 5
_DEFAULT_P = 15.0  # p of the p% rule: not published, by design
_SENSITIVE_P = 20.0

Kind = Literal["threshold", "p_percent"]


@dataclass(frozen=True)
class DisclosureRule:
    """A primary suppression rule and the protection its withheld cells are promised.

    ``p`` stays out of ``repr``, ``describe`` and ``manifest``; do not serialise a rule any other
    way (``dataclasses.asdict`` would include it).
    """

    kind: Kind = "threshold"
    threshold: int = DEFAULT_THRESHOLD
    protection_lower: float | None = None  # L; None = threshold (threshold rule only)
    protection_upper: float | None = None  # U; None = threshold (threshold rule only)
    zeros_disclose: bool = False
    p: float | None = field(default=None, repr=False)  # p% rule: never printed
    min_contributors: int = DEFAULT_MIN_CONTRIBUTORS

    def __post_init__(self) -> None:
        if self.kind not in ("threshold", "p_percent"):
            raise ValueError(f"unknown rule kind {self.kind!r}")
        if self.kind == "threshold":
            if self.threshold < THRESHOLD_FLOOR:
                raise ValueError(f"threshold {self.threshold} is below the floor {THRESHOLD_FLOOR}")
            for level in (self.protection_lower, self.protection_upper):
                if level is not None and level <= 0:
                    raise ValueError("protection levels must be positive")
        else:
            if self.p is None or not 0 < self.p <= 100:
                raise ValueError("the p% rule needs 0 < p <= 100")
            if self.min_contributors < MIN_CONTRIBUTORS_FLOOR:
                raise ValueError(f"min_contributors {self.min_contributors} is below the floor "
                                 f"{MIN_CONTRIBUTORS_FLOOR}")
            if self.zeros_disclose:
                raise ValueError("zeros_disclose applies to counts, not to the p% rule")

    @property
    def lower(self) -> float:
        return float(self.protection_lower if self.protection_lower is not None else self.threshold)

    @property
    def upper(self) -> float:
        return float(self.protection_upper if self.protection_upper is not None else self.threshold)

    def describe(self) -> str:
        """One line for reports and the manifest (never the value of p)."""
        zeros = "; zeros withheld too" if self.zeros_disclose else ""
        if self.kind == "threshold":
            return (f"threshold rule: counts from 1 to {self.threshold - 1} withheld{zeros}, with "
                    f"complementary cells so that no withheld count can be narrowed to less than "
                    f"{self.lower:g} below it (or 0) and {self.upper:g} above it")
        return (f"p% dominance rule (parameter not published) and at least "
                f"{self.min_contributors} contributors, with complementary cells")

    def manifest(self) -> dict:
        """Rule and parameters as recorded in manifest.json (never the value of p)."""
        if self.kind == "threshold":
            return {"rule": "threshold", "threshold": self.threshold,
                    "protection_lower": self.lower, "protection_upper": self.upper,
                    "zeros_disclose": self.zeros_disclose, "description": self.describe()}
        return {"rule": "p_percent", "min_contributors": self.min_contributors,
                "description": self.describe()}


def rule_for(threshold: int | None, sensitive: bool, kind: str = "count",
             *, zeros_disclose: bool = False) -> DisclosureRule:
    """The rule of a request spec: its threshold (or the default), never below the floor.

    ``kind`` is the measure kind: ``count`` gives the threshold rule; ``sum`` (``magnitude``)
    gives the p% rule, the spec's threshold then being the minimum number of contributors.
    """
    if kind == "count":
        t = threshold if threshold is not None else (
            SENSITIVE_THRESHOLD if sensitive else DEFAULT_THRESHOLD)
        return DisclosureRule("threshold", threshold=max(int(t), THRESHOLD_FLOOR),
                              zeros_disclose=zeros_disclose)
    if kind in ("sum", "magnitude"):
        n = threshold if threshold is not None else (
            SENSITIVE_MIN_CONTRIBUTORS if sensitive else DEFAULT_MIN_CONTRIBUTORS)
        return DisclosureRule("p_percent", p=_SENSITIVE_P if sensitive else _DEFAULT_P,
                              min_contributors=max(int(n), MIN_CONTRIBUTORS_FLOOR))
    raise ValueError(f"unknown measure kind {kind!r}")


def primary_mask(df: pd.DataFrame, rule: DisclosureRule) -> pd.Series:
    """Rows the rule itself withholds (known values only; source-withheld rows are not counted)."""
    v = pd.to_numeric(df[VALUE], errors="coerce")
    if rule.kind == "threshold":
        mask = (v >= 1) & (v < rule.threshold)
        if rule.zeros_disclose:
            mask |= v == 0
        return mask.fillna(False).astype(bool)
    missing = [c for c in ("n_contributors", "top1", "top2") if c not in df.columns]
    if missing:
        raise ValueError(f"the p% rule needs column(s) {', '.join(missing)}")
    n, top1, top2 = (pd.to_numeric(df[c], errors="coerce") for c in ("n_contributors", "top1", "top2"))
    unknown = (v > 0) & (n.isna() | top1.isna())
    if unknown.any():
        raise ValueError(f"the p% rule needs n_contributors and top1 for every non-zero cell; "
                         f"{int(unknown.sum())} row(s) lack them")
    rest = v - top1 - top2.fillna(0)
    mask = (v > 0) & ((n < rule.min_contributors) | (rest < rule.p / 100 * top1))
    return mask.fillna(False).astype(bool)


def _levels(rule: DisclosureRule, value: float, top1: float, top2: float) -> tuple[float, float]:
    """(L, U) promised to a confidential cell of known value."""
    if rule.kind == "threshold":
        return rule.lower, rule.upper
    level = rule.p / 100 * top1 - (value - top1 - (0 if np.isnan(top2) else top2))
    if not level > 0:
        level = rule.p / 100 * value
    return level, level


@dataclass(frozen=True)
class ProtectionSummary:
    cells: int
    primary: int  # withheld by the rule (C)
    secondary: int  # withheld to protect them (D)
    source_withheld: int  # already withheld by the source (C)
    withheld_share: float  # share of the total (finest cells) sitting in withheld cells
    rule: str  # description, without p
    parameters: dict  # manifest entry of the rule, without p
    optimal: bool  # the secondary pattern is proven cheapest (within 0.01 %)
    seconds: float

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
                 latent: bool = True, prune: bool = True) -> list[ProtectedTable]:
    """Protect tables built from the same source jointly.

    A cell is the same cell in every table that publishes it (same period, same codes, ``_T`` for
    the dimensions a table lacks): it is withheld in all or none, and the attacker is given the
    union of every table's equations (plus the hidden full cross-classification when the tables
    share code lists, see ``protect_space``).
    """
    started = time.monotonic()
    tables = [(df, list(dims)) for df, dims in tables]
    rules = list(rule) if isinstance(rule, Sequence) else [rule] * len(tables)
    if len(rules) != len(tables):
        raise ValueError("give one rule, or one rule per table")
    spaces = build_spaces(tables, latent=latent)
    primaries = [primary_mask(df, r).to_dict() for (df, _), r in zip(tables, rules)]
    status: dict[tuple[str, int], str] = {}  # (period, cell) -> C / D
    optimal = True
    for space in spaces.values():
        fixed, reqs, flags = _classify(space, tables, rules, primaries)
        cost = 1.0 + np.nan_to_num(space.value) * min(1.0, 1000.0 / max(np.nanmax(
            np.append(space.value, 1.0)), 1.0))
        out = suppress(space.value, space.lines, fixed, reqs, cost, time_limit=time_limit, prune=prune)
        optimal &= out.optimal
        for i in np.flatnonzero(out.withheld):
            status[(space.period, int(i))] = flags.get(int(i), "D")
    seconds = time.monotonic() - started
    return [_publish(t, df, dims, rules[t], spaces, status, primaries[t], optimal, seconds)
            for t, (df, dims) in enumerate(tables)]


def _classify(space: Space, tables, rules, primaries):
    """Cells withheld whatever happens, their requirements, and their flags."""
    fixed = space.latent | space.source_c | np.isnan(space.value)
    nothing = np.full(space.size, np.nan)
    top1 = space.contributors.get("top1", nothing)
    top2 = space.contributors.get("top2", nothing)
    levels: dict[int, tuple[float, float]] = {}
    slide: dict[int, float] = {}
    flags: dict[int, str] = {}
    for (t, label), i in space.rows.items():
        r, known = rules[t], not np.isnan(space.value[i])
        if primaries[t][label] or (space.source_c[i] and known):
            low, up = _levels(r, space.value[i], top1[i], top2[i])
            old = levels.get(i, (0.0, 0.0))
            levels[i] = (max(old[0], low), max(old[1], up))
            fixed[i] = True
            flags[i] = "C"
        elif space.source_c[i]:  # withheld by the source, value unknown: keep it uncertain
            width = r.upper if r.kind == "threshold" else r.p / 100 * np.nan_to_num(top1[i])
            slide[i] = max(slide.get(i, 0.0), width)
            flags[i] = "C"
        elif not known:
            flags[i] = "unknown"  # missing in the source, not confidential: left as it is
    reqs = [Requirement(i, float(space.value[i]), upper=u, lower=lo) for i, (lo, u) in levels.items()]
    reqs += [Requirement(i, None, sliding=w) for i, w in slide.items() if w > 0]
    return fixed, reqs, flags


def _publish(t, df, dims, rule, spaces, status, primary, optimal, seconds) -> ProtectedTable:
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
        optimal=bool(optimal), seconds=round(seconds, 3))
    return ProtectedTable(out, summary)
