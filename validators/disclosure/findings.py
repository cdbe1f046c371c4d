"""What disclosure control tells reviewers through findings.csv."""

from __future__ import annotations

from validators.spec.findings import Finding, finding


def disclosure_findings(report: dict[str, dict]) -> list[Finding]:
    """A table protected by the threshold rule only (no complementary cells), or withheld whole
    because its pattern failed the audit, is reported."""
    out = [finding("disclosure_secondary", rid, source_file=f"cube_{rid}", detail=applied["secondary_not_applied"])
           for rid, applied in report.items() if "secondary_not_applied" in applied]
    out += [finding("disclosure_audit", rid, source_file=f"cube_{rid}", detail=(
                "every cell is withheld: the suppression pattern still let an attacker narrow a confidential "
                "cell after reinforcement (or reinforcement ran out of time); see the manifest's disclosure audit"))
            for rid, applied in report.items() if applied.get("audit", {}).get("withheld_whole")]
    return out
