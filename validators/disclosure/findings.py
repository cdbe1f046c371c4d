"""What disclosure control tells reviewers through findings.csv."""

from __future__ import annotations

from validators.spec.findings import Finding, finding


def disclosure_findings(report: dict[str, dict]) -> list[Finding]:
    """A table protected by the threshold rule only (no complementary cells) is reported."""
    return [finding("disclosure_secondary", rid, source_file=f"cube_{rid}", detail=applied["secondary_not_applied"])
            for rid, applied in report.items() if "secondary_not_applied" in applied]
