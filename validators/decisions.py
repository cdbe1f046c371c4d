"""The decisions about a request's table, as plain functions: is it published, what is its status.

What a table delivers against what the committee asked is computed, never declared. Nothing
here needs Prefect: the flow only calls these functions (tested in tests/validators/test_decisions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from validators.checks.additivity import reconcile_totals
from validators.spec.findings import Finding, has_errors
from validators.spec.model import OTHER, TOTAL, Request, Source


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
               rows: int, errors: int, fallback: list[str] = (), *, empty_breakdowns: list[str] = (),
               provisional: list[str] = (), data_until: str | None = None,
               notes: list[str] = ()) -> Fulfilment:
    """What the table delivers. A proxy is at most partial; a context-only table is unavailable; a
    breakdown the published periods do not carry is missing; a period the source gives in part is
    provisional, not covered."""
    asked = [d for d, _ in req.dimensions()]
    missing = {d: req.unavailable[d].reason.model_dump() for d in asked if d in req.unavailable}
    for d in empty_breakdowns:
        missing.setdefault(d, {"en": f"the source gives no {d} breakdown for the periods published",
                               "es": f"la fuente no da la desagregación por {d} para los periodos publicados"})
    delivered = [d for d, _ in req.delivered_dimensions() if d not in missing]
    gaps = [p for p in expected if p not in set(covered)]
    fallback = list(fallback)
    if errors:
        status = Status.FAILED
    elif rows == 0 or not covered or req.context is not None:
        status = Status.UNAVAILABLE
    elif missing or gaps or req.proxy is not None:
        status = Status.PARTIAL
    else:
        status = Status.DELIVERED
    out = []
    if req.context is not None:
        out.append(f"context only: {req.context.en}")
    if req.proxy is not None:
        out.append(f"proxy: {req.proxy.en}")
    absent = [p for p in gaps if p not in set(provisional)]
    if absent:
        out.append(f"{len(absent)} of {len(expected)} requested periods are not covered by the source")
    for p in provisional:
        until = f" (its data end on {data_until})" if data_until else ""
        out.append(f"{p}: the source gives only part of this period{until}: published as provisional "
                   f"(obs_status P), not counted as covered")
    if fallback:
        out.append(f"the latest periods available instead: {fallback[0]} to {fallback[-1]}")
    out += [f"{d}: {r['en']}" for d, r in missing.items()]
    if source.estimate:
        out.append("figures are estimates (obs_status E)")
    out += list(notes)
    return Fulfilment(req.id, status, asked, delivered, missing, gaps, fallback, source.estimate, out)


def status_counts(fulfilments: dict[str, Fulfilment]) -> dict[str, int]:
    counts = {str(s): 0 for s in Status}
    for f in fulfilments.values():
        counts[str(f.status)] += 1
    return counts


def failed_requests(fulfilments: dict[str, Fulfilment]) -> list[str]:
    return [r for r, f in fulfilments.items() if f.status == Status.FAILED]


def present_periods(table: pd.DataFrame) -> list[str]:
    """Periods the table really holds in full: a source dated 2015, 2020 and 2024 covers no year
    between, and a provisional period (obs_status P: the source gives part of it) is not covered."""
    if not len(table):
        return []
    periods = table["time_period"].astype(str)
    if "obs_status" in table:
        periods = periods[table["obs_status"].astype(str) != "P"]
    return sorted(periods.unique())


def provisional_in(table: pd.DataFrame) -> list[str]:
    if not len(table) or "obs_status" not in table:
        return []
    return sorted(set(table.loc[table["obs_status"].astype(str) == "P", "time_period"].astype(str)))


def empty_breakdowns(table: pd.DataFrame, dims: list[str]) -> list[str]:
    """Breakdowns whose every published cell is a total or unknown: the periods carry none of it."""
    out = []
    for d in dims:
        if d not in table:
            continue
        parts = table[~table[d].astype(str).isin(["_T", "_U", "_Z"])]
        if len(table) and (parts.empty or parts["obs_value"].isna().all()):
            out.append(d)
    return out


def publisher_total_notes(findings: list[Finding], shown: int = 6) -> list[str]:
    """A publisher's totals that disagree with its own parts, as notes on the table (manifest, report,
    annex), not only findings: the reviewer reads them next to the figures."""
    gaps = sorted({f.message for f in findings if f.check.split(":")[-1] == "total_equals_parts"
                   and f.severity == "warning"})
    if not gaps:
        return []
    more = f" (and {len(gaps) - shown} more)" if len(gaps) > shown else ""
    return [f"the publisher's totals disagree with its parts, published as printed: {'; '.join(gaps[:shown])}{more}"]


def grouped_notes(req: Request, grouped: dict[str, list[str]]) -> list[str]:
    """Which rare codes the table publishes together as _O (the spec's group_small), for reviewers to
    recompute `_O` as the sum of those codes."""
    return [f"{dim}: {len(codes)} code(s) with fewer than {req.group_small[dim]} records in the source are "
            f"published together as {OTHER}: {', '.join(codes)}" for dim, codes in grouped.items() if codes]


def totals_only_notes(req: Request) -> list[str]:
    """Which cells the table leaves out by design (the spec's totals_only), and how to read around them."""
    out = []
    for dim, only in req.totals_only.items():
        where = "in total" + "".join(f" and by {d}" for d in only.crossed_with)
        out.append(f"{dim} {only.code} and {dim} {TOTAL} (all together) are published {where} only: by any other "
                   f"breakdown, add the {dim} codes published; {dim} {only.code} there is at most its total")
    return out


def totals_notes(source: Source, table: pd.DataFrame, dims: list[str]) -> list[str]:
    """Where the table's totals (_T) come from, and for each breakdown without one, why not."""
    if not dims or not len(table):
        return []
    out = []
    if source.kind == "aggregate" and source.totals == "derived":
        out.append(f"totals (_T) are the sum of the publisher's parts (it prints none): {source.totals_why.strip()} "
                   f"A total over a part the source does not give is missing (M), over a withheld part withheld (C)")
    for d in dims:
        if d in table and not table[d].astype(str).eq("_T").any():
            why = f": {source.totals_why.strip()}" if source.totals_why.strip() else ""
            out.append(f"{d}: no total (_T) is published; the publisher prints none and it is not derived{why}")
    return out


def reconciliation(source: Source, table: pd.DataFrame, dims: list[str]) -> dict | None:
    """A publisher's printed totals against the sum of its parts (aggregate figures only), or None
    where the publisher prints no totals (derived totals equal their parts by construction)."""
    if source.kind != "aggregate" or source.totals != "published" or not dims or not len(table):
        return None
    found = reconcile_totals(table, [d for d in dims if d in table])
    return found if found["checked"] else None


def reconciliation_note(found: dict | None) -> list[str]:
    if not found:
        return []
    return [f"the publisher's totals reconciled with the sum of their parts: {found['checked']:,} checked, "
            f"{found['match']:,} match, {found['mismatch']:,} disagree"]


def reconciliation_by_source(found: dict[str, tuple[str, dict | None]]) -> dict[str, dict]:
    """Per source, the reconciliation of every request's table on it: {source: {checked, match,
    mismatch, examples, requests}} for the manifest."""
    out: dict[str, dict] = {}
    for request_id, (source_id, rec) in sorted(found.items()):
        if not rec:
            continue
        entry = out.setdefault(source_id, {"checked": 0, "match": 0, "mismatch": 0, "examples": [], "requests": []})
        for k in ("checked", "match", "mismatch"):
            entry[k] += rec[k]
        entry["examples"] += [f"{request_id}: {e}" for e in rec["examples"]]
        entry["requests"].append(request_id)
    return out


@dataclass(frozen=True)
class Decision:
    """What happens to one request's table in this edition, and why."""
    fulfilment: Fulfilment
    published: bool
    errors: int
    warnings: int
    reconciliation: dict | None = None   # the publisher's totals against their parts (checks/additivity.py)


def decide(req: Request, source: Source, expected: list[str], table: pd.DataFrame, rows: int,
           findings: list[Finding], fallback: list[str] = (), data_until: str | None = None,
           notes: list[str] = ()) -> Decision:
    """Status and publication of one table, from its checks' findings (all of them: pandera and GX)."""
    errors = sum(f.severity == "error" for f in findings)
    dims = [d for d, _ in req.delivered_dimensions()]
    rec = reconciliation(source, table, dims)
    notes = list(notes) + totals_only_notes(req) + totals_notes(source, table, dims) + reconciliation_note(rec) + publisher_total_notes(findings)
    status = fulfilment(req, source, expected, present_periods(table), rows, errors, fallback,
                        empty_breakdowns=empty_breakdowns(table, dims), provisional=provisional_in(table),
                        data_until=data_until, notes=notes)
    return Decision(status, publishable(rows, findings), errors, len(findings) - errors, rec)


def load_blockers(source_id: str, load_findings: list[Finding]) -> list[Finding]:
    """Errors of the load of a request's source (a file unreadable, over its quarantine budget, or giving
    no row): the request fails with them and is not published, whatever older rows the warehouse holds."""
    return [f for f in load_findings if f.spec == source_id and f.severity == "error"]


def with_load_failure(decision: Decision, blockers: list[Finding]) -> Decision:
    """The request's status says which file of its source failed to load, and why."""
    for f in blockers:
        decision.fulfilment.notes.append(f"source not loaded: {f.message}")
    return decision
