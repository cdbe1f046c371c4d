"""What reviewers read: report.html, annex.xlsx and the validation pages of an edition.

Everything here reads a published (or staged) edition folder and the specs, never the warehouse,
so `loipr report` can rebuild it from a published edition.
"""

from __future__ import annotations

from pathlib import Path

from validators.spec.catalogue import Catalogue

from .annex import write_annex
from .edition import open_edition
from .report import write_report
from .validation import GxResults, replace_gx_findings, rerun_gx, write_validation


def write_reviewer_files(folder: Path, catalogue: Catalogue, gx_results: GxResults | None = None,
                         rerun: bool = False) -> None:
    """GX results first (the report links them), then report.html and annex.xlsx.

    `gx_results`: those of the checks run before publishing. `rerun`: the GX suites run again
    over the edition's published tables, their findings replacing the GX rows of findings.csv
    (`loipr report --gx`). Neither: validation/ is left as it is."""
    edition = open_edition(folder, catalogue)
    if rerun:
        findings, gx_results = rerun_gx(edition)
        replace_gx_findings(folder, findings)
    if gx_results is not None:
        write_validation(folder, edition.name, gx_results)
    write_report(folder, catalogue)
    write_annex(folder, catalogue)


__all__ = ["open_edition", "write_annex", "write_report", "write_reviewer_files"]
