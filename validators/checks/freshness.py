"""Source freshness at an edition's reference date: how old is the newest data each source holds."""

from __future__ import annotations

from datetime import date

from validators.spec.findings import Finding, finding
from validators.spec.model import Source


def freshness_findings(sources: dict[str, Source], newest: dict[str, date | None], reference: date) -> list[Finding]:
    """One finding per stale source (warning or error by its spec), none for fresh ones."""
    out = []
    for sid, source in sorted(sources.items()):
        if source.freshness is None:
            continue
        last = newest.get(sid)
        age = None if last is None else (reference - last).days
        limit = source.freshness
        if age is not None and age <= limit.warn_after_days:
            continue
        severity = "error" if age is None or age > limit.error_after_days else "warning"
        what = "holds no data" if last is None else f"newest data is {age} days old ({last.isoformat()})"
        out.append(finding("source_freshness", sid, value=None if age is None else age, severity=severity,
                           detail=f"source '{sid}' is stale at {reference.isoformat()}: {what}; "
                                  f"allowed {limit.warn_after_days} days (warn), {limit.error_after_days} (error)"))
    return out
