"""The primary suppression rule: which cells are confidential, and what their protection is.

Threshold rule (frequency tables): a count 1 <= n < T is confidential. T comes from the request
spec but never below ``THRESHOLD_FLOOR``; sensitive tables (trafficking, expulsion, children,
health) default to ``SENSITIVE_THRESHOLD``. Zeros stay published unless ``zeros_disclose``.
A withheld confidential count v is promised that the attacker cannot narrow it to less than
L below it (or 0) and U above it, L = ``protection_lower`` and U = ``protection_upper`` (both T
by default); see ``protect`` for the promise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .space import VALUE

THRESHOLD_FLOOR = 3  # no spec can publish a count below this
DEFAULT_THRESHOLD = 3
SENSITIVE_THRESHOLD = 5


@dataclass(frozen=True)
class DisclosureRule:
    """The threshold rule and the protection its withheld cells are promised."""

    threshold: int = DEFAULT_THRESHOLD
    protection_lower: float | None = None  # L; None = threshold
    protection_upper: float | None = None  # U; None = threshold
    zeros_disclose: bool = False

    def __post_init__(self) -> None:
        if self.threshold < THRESHOLD_FLOOR:
            raise ValueError(f"threshold {self.threshold} is below the floor {THRESHOLD_FLOOR}")
        for level in (self.protection_lower, self.protection_upper):
            if level is not None and level <= 0:
                raise ValueError("protection levels must be positive")

    @property
    def lower(self) -> float:
        return float(self.protection_lower if self.protection_lower is not None else self.threshold)

    @property
    def upper(self) -> float:
        return float(self.protection_upper if self.protection_upper is not None else self.threshold)

    def describe(self) -> str:
        """One line for reports and the manifest."""
        zeros = "; zeros withheld too" if self.zeros_disclose else ""
        return (f"threshold rule: counts from 1 to {self.threshold - 1} withheld{zeros}, with "
                f"complementary cells so that no withheld count can be narrowed to less than "
                f"{self.lower:g} below it (or 0) and {self.upper:g} above it")

    def manifest(self) -> dict:
        """Rule and parameters as recorded in manifest.json."""
        return {"rule": "threshold", "threshold": self.threshold,
                "protection_lower": self.lower, "protection_upper": self.upper,
                "zeros_disclose": self.zeros_disclose, "description": self.describe()}


def rule_for(threshold: int | None, sensitive: bool, *, zeros_disclose: bool = False) -> DisclosureRule:
    """The rule of a request spec: its threshold (or the default), never below the floor."""
    t = threshold if threshold is not None else (SENSITIVE_THRESHOLD if sensitive else DEFAULT_THRESHOLD)
    return DisclosureRule(threshold=max(int(t), THRESHOLD_FLOOR), zeros_disclose=zeros_disclose)


def primary_mask(df: pd.DataFrame, rule: DisclosureRule) -> pd.Series:
    """Rows the rule itself withholds (known values only; source-withheld rows are not counted)."""
    v = pd.to_numeric(df[VALUE], errors="coerce")
    mask = (v >= 1) & (v < rule.threshold)
    if rule.zeros_disclose:
        mask |= v == 0
    return mask.fillna(False).astype(bool)
