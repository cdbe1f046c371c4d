"""The decisions about a request's table, as plain functions: is it published, what is its status.

What a table delivers against what the committee asked is computed, never declared. Nothing
here needs Prefect: the flow only calls these functions (tested in tests/validators/test_decisions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from validators.spec.findings import Finding, has_errors
from validators.spec.model import Request, Source


class Status(StrEnum):
    DELIVERED = "delivered"      # every breakdown asked, every period asked
    PARTIAL = "partial"          # some breakdowns or periods missing, each with its reason
    UNAVAILABLE = "unavailable"  # the source gives nothing for the request
    FAILED = "failed"            # the table failed validation: not published


def publishable(rows: int, findings: list[Finding]) -> bool:
    """A table is published only if it has rows and no check (pandera, GX, SQL) found an error."""
    return rows > 0 and not has_errors(findings)


@dataclass
class Fulfilment:
    request: str
    status: Status
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
        status = Status.FAILED
    elif rows == 0 or not covered:
        status = Status.UNAVAILABLE
    elif missing or gaps:
        status = Status.PARTIAL
    else:
        status = Status.DELIVERED
    notes = []
    if gaps:
        notes.append(f"{len(gaps)} of {len(expected)} requested periods are not covered by the source")
    if fallback:
        notes.append(f"the latest periods available instead: {fallback[0]} to {fallback[-1]}")
    notes += [f"{d}: {r['en']}" for d, r in missing.items()]
    if source.estimate:
        notes.append("figures are estimates (obs_status E)")
    return Fulfilment(req.id, status, asked, delivered, missing, gaps, fallback, source.estimate, notes)


def status_counts(fulfilments: dict[str, Fulfilment]) -> dict[str, int]:
    counts = {str(s): 0 for s in Status}
    for f in fulfilments.values():
        counts[str(f.status)] += 1
    return counts


def failed_requests(fulfilments: dict[str, Fulfilment]) -> list[str]:
    return [r for r, f in fulfilments.items() if f.status == Status.FAILED]


def present_periods(table: pd.DataFrame) -> list[str]:
    """Periods the table really holds: a source dated 2015, 2020 and 2024 covers no year between."""
    return sorted(table["time_period"].astype(str).unique()) if len(table) else []


@dataclass(frozen=True)
class Decision:
    """What happens to one request's table in this edition, and why."""
    fulfilment: Fulfilment
    published: bool
    errors: int
    warnings: int


def decide(req: Request, source: Source, expected: list[str], table: pd.DataFrame, rows: int,
           findings: list[Finding], fallback: list[str] = ()) -> Decision:
    """Status and publication of one table, from its checks' findings (all of them: pandera and GX)."""
    errors = sum(f.severity == "error" for f in findings)
    status = fulfilment(req, source, expected, present_periods(table), rows, errors, fallback)
    return Decision(status, publishable(rows, findings), errors, len(findings) - errors)


def load_blockers(source_id: str, load_findings: list[Finding]) -> list[Finding]:
    """Errors of the load of a request's source (a file unreadable, over its quarantine budget, or giving
    no row): the request fails with them and is not published, whatever older rows the warehouse holds."""
    return [f for f in load_findings if f.spec == source_id and f.severity == "error"]


def with_load_failure(decision: Decision, blockers: list[Finding]) -> Decision:
    """The request's status says which file of its source failed to load, and why."""
    for f in blockers:
        decision.fulfilment.notes.append(f"source not loaded: {f.message}")
    return decision
