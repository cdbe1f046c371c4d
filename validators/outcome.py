"""What a whole run deserves: its final state and message, and the table of statuses shown with it.

A run that lost a source or failed a request must not look green in the orchestrator. These are
plain functions (no Prefect): the flows turn an outcome into a Failed state and a markdown artifact.
"""

from __future__ import annotations

from dataclasses import dataclass

from validators.decisions import Fulfilment, Status
from validators.spec.findings import Finding, Severity


@dataclass(frozen=True)
class Outcome:
    failed: bool
    message: str


@dataclass(frozen=True)
class StatusRow:
    request: str
    paragraph: str
    status: str
    reason: str


def _names(items: list[str], most: int = 5) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def edition_outcome(fulfilments: dict[str, Fulfilment], source_errors: dict[str, list[str]]) -> Outcome:
    """Failed when a request failed or a source's extract could not be read; else a one-line summary."""
    failed = sorted(r for r, f in fulfilments.items() if f.status == Status.FAILED)
    sources = sorted(s for s, errors in source_errors.items() if errors)
    parts = []
    if failed:
        parts.append(f"{len(failed)} of {len(fulfilments)} requests failed: {_names(failed)}")
    if sources:
        parts.append(f"{len(sources)} source(s) could not be read: {_names(sources)}")
    if parts:
        return Outcome(True, "; ".join(parts) + " (see the statuses artifact and findings.csv)")
    counts = {s: sum(f.status == s for f in fulfilments.values()) for s in Status}
    return Outcome(False, ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no request")


def load_outcome(source_errors: dict[str, list[str]]) -> Outcome:
    """Failed when any extract of any source could not be read."""
    sources = sorted(s for s, errors in source_errors.items() if errors)
    if sources:
        files = sum(len(source_errors[s]) for s in sources)
        return Outcome(True, f"{files} extract(s) of {len(sources)} source(s) could not be read: "
                             f"{_names(sources)}")
    return Outcome(False, f"{len(source_errors)} source(s) loaded")


def request_reason(fulfilment: Fulfilment, findings: list[Finding], source: str,
                   source_errors: dict[str, list[str]]) -> str:
    """Why a request has its status, in one line: its errors first, then its notes."""
    errors = [f.message for f in findings if f.severity == Severity.ERROR and f.spec in (fulfilment.request, source)]
    errors = list(dict.fromkeys(errors + source_errors.get(source, [])))
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return errors[0] + more
    return "; ".join(fulfilment.notes)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def statuses_markdown(title: str, outcome: Outcome, rows: list[StatusRow]) -> str:
    """The markdown table of statuses (request, paragraph, status, reason), failed requests first."""
    order = {str(Status.FAILED): 0, str(Status.UNAVAILABLE): 1, str(Status.PARTIAL): 2, str(Status.DELIVERED): 3}
    lines = [f"# {title}", "", f"**{'FAILED' if outcome.failed else 'Completed'}**: {_cell(outcome.message)}", "",
             "| request | paragraph | status | reason |", "|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (order.get(r.status, 9), r.request)):
        lines.append(f"| {_cell(r.request)} | {_cell(r.paragraph)} | {_cell(r.status)} | {_cell(r.reason)} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LoadRow:
    source: str
    file: str
    read: int
    loaded: int
    quarantined: int
    state: str  # loaded, unchanged, or the error


def loads_markdown(title: str, outcome: Outcome, rows: list[LoadRow]) -> str:
    """The markdown table of a load run: one line per extract, errors first."""
    lines = [f"# {title}", "", f"**{'FAILED' if outcome.failed else 'Completed'}**: {_cell(outcome.message)}", "",
             "| source | file | read | loaded | quarantined | state |", "|---|---|---:|---:|---:|---|"]
    for r in sorted(rows, key=lambda r: (r.state in ("loaded", "unchanged"), r.source, r.file)):
        lines.append(f"| {_cell(r.source)} | {_cell(r.file)} | {r.read} | {r.loaded} | {r.quarantined} "
                     f"| {_cell(r.state)} |")
    return "\n".join(lines) + "\n"
