"""What disclosure control tells reviewers through findings.csv."""

from __future__ import annotations

from validators.spec.findings import Finding, finding


def disclosure_findings(report: dict[str, dict]) -> list[Finding]:
    """A table with periods withheld whole because no lesser pattern passed the audit."""
    return [finding("disclosure_audit", rid, source_file=f"cube_{rid}", detail=(
                f"{applied['audit']['periods_withheld_whole']} period(s) withheld whole, grand totals included: no "
                "lesser suppression pattern stopped an attacker from narrowing a confidential cell; see the "
                "manifest's disclosure audit"))
            for rid, applied in report.items() if applied.get("audit", {}).get("periods_withheld_whole")]
