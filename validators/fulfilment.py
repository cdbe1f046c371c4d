"""What a request's table delivers against what the committee asked: computed, never declared."""

from __future__ import annotations

from dataclasses import dataclass, field

from .spec.model import Request, Source


@dataclass
class Fulfilment:
    request: str
    status: str                     # delivered | partial | unavailable | failed
    asked: list[str]                # breakdowns the committee asked for
    delivered: list[str]            # breakdowns the table gives
    missing_breakdowns: dict[str, dict[str, str]] = field(default_factory=dict)  # dim -> {en, es} reason
    missing_periods: list[str] = field(default_factory=list)
    fallback_periods: list[str] = field(default_factory=list)
    estimate: bool = False
    notes: list[str] = field(default_factory=list)


def fulfilment(req: Request, source: Source, expected: list[str], covered: list[str],
               rows: int, errors: int, fallback: list[str] = ()) -> Fulfilment:
    asked = [d for d, _ in req.dimensions()]
    delivered = [d for d, _ in req.delivered_dimensions()]
    missing = {d: req.unavailable[d].reason.model_dump() for d in asked if d in req.unavailable}
    gaps = [p for p in expected if p not in set(covered)]
    fallback = list(fallback)
    if errors:
        status = "failed"
    elif rows == 0 or not covered:
        status = "unavailable"
    elif missing or gaps:
        status = "partial"
    else:
        status = "delivered"
    notes = []
    if gaps:
        notes.append(f"{len(gaps)} of {len(expected)} requested periods are not covered by the source")
    if fallback:
        notes.append(f"the latest periods available instead: {fallback[0]} to {fallback[-1]}")
    notes += [f"{d}: {r['en']}" for d, r in missing.items()]
    if source.estimate:
        notes.append("figures are estimates (obs_status E)")
    return Fulfilment(req.id, status, asked, delivered, missing, gaps, fallback, source.estimate, notes)


def present_periods(table) -> list[str]:
    """Periods the table really holds: a source dated 2015, 2020 and 2024 covers no year between."""
    return sorted(table["time_period"].astype(str).unique()) if len(table) else []
