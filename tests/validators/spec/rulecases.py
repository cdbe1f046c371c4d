"""Helpers of the lint rule tests (test_rules*.py): one rule run on one spec of the real catalogue,
with one change made to it (model_copy), so every line a test expects is caused by that change."""

from __future__ import annotations

from validators.spec.catalogue import Catalogue
from validators.spec.rules import RULES


def hits(cat: Catalogue, name: str, spec) -> list:
    (rule,) = [r for r in RULES if r.name == name]
    return list(rule.check(spec, cat))


def request(cat: Catalogue, rid: str = "40a-movements", **changes):
    return cat.requests[rid].model_copy(update=changes)


def source(cat: Catalogue, sid: str = "migraciones-movements", column: str = "", **changes):
    """The source with `changes` applied to its column named `column` (or to the source itself)."""
    spec = cat.sources[sid]
    if not column:
        return spec.model_copy(update=changes)
    return spec.model_copy(update={"columns": [c.model_copy(update=changes) if c.name == column else c
                                               for c in spec.columns]})


def period(cat: Catalogue, **changes):
    return cat.requests["40a-movements"].period.model_copy(update=changes)


def unavailable(cat: Catalogue):
    return cat.requests["04-irregular-estimates"].unavailable["occupation"]
