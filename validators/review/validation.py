"""validation/: the Great Expectations results of an edition, as JSON and an offline page.

At run time the results come from the checks that ran before publishing (checks/validate.py);
`rerun_gx` re-checks the tables of an already published edition (`loipr report --gx`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from validators.checks.validate import gx_validation
from validators.spec.findings import FINDING_COLUMNS, Finding

from .edition import Edition
from .validation_page import render_validation_html

GxResults = dict[str, tuple[dict, list[dict]]]  # request -> (GX result, suite)


def write_validation(folder: Path, edition: str, results: GxResults) -> None:
    out_dir = folder / "validation"
    out_dir.mkdir(parents=True, exist_ok=True)
    for rid, (result, suite) in results.items():
        (out_dir / f"{rid}.suite.json").write_text(json.dumps(suite, indent=1, ensure_ascii=False))
        (out_dir / f"{rid}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    page = render_validation_html(edition, {rid: result for rid, (result, _) in results.items()})
    (out_dir / "index.html").write_text(page, encoding="utf-8")


def rerun_gx(edition: Edition) -> tuple[list[Finding], GxResults]:
    """Every published table's suite run again over the table as published."""
    findings, results = [], {}
    for rid in edition.published_ids():
        found, result, suite = gx_validation(edition.context(rid), edition.table(rid), f"tables/{rid}.csv")
        findings += found
        if result is not None:
            results[rid] = (result, suite)
    return findings, results


def replace_gx_findings(folder: Path, findings: list[Finding]) -> None:
    """GX rows of findings.csv replaced by these (a rebuild stays idempotent)."""
    path = folder / "findings.csv"
    old = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame(columns=FINDING_COLUMNS)
    old = old[~old["check"].str.startswith("gx:")]
    new = pd.DataFrame([f.as_row() for f in findings], columns=FINDING_COLUMNS).astype({"row": "Int64"})
    new = new.astype(str).replace({"<NA>": "", "None": ""})
    pd.concat([old, new], ignore_index=True)[FINDING_COLUMNS].to_csv(path, index=False)
