"""manifest.json: what an edition holds, from which inputs and specs, with which statuses and rules."""

from __future__ import annotations

import subprocess
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from validators.decisions import Decision, Fulfilment, status_counts
from validators.spec.model import Request

MANIFEST_VERSION = 2  # 2: one flag C for every withheld cell; disclosure audit per table


def code_version() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"loipr-stats {version('loipr-stats')}" + (f" ({sha})" if sha else "")


def request_entry(req: Request, rows: int, source_files: list[str], spec_sha256: str, decision: Decision,
                  grouped: dict[str, list[str]] | None = None) -> dict:
    """One request's entry in the manifest (its fulfilment is added by build_manifest). `grouped`: the
    codes published together as _O, per breakdown, so that a reviewer can recompute `_O`."""
    return {"paragraph": req.paragraphs, "title": req.title.model_dump(), "source": req.source, "rows": rows,
            "published": decision.published, "source_files": source_files, "spec_sha256": spec_sha256,
            "errors": decision.errors, "warnings": decision.warnings,
            **({"grouped_as_other": {d: c for d, c in grouped.items() if c}} if grouped and any(grouped.values()) else {}),
            **({"reconciliation": decision.reconciliation} if decision.reconciliation else {})}


def build_manifest(edition: str, run_id: str, inputs: list[dict], spec_hashes: dict[str, str],
                   requests: dict[str, dict], fulfilments: dict[str, Fulfilment],
                   extra: dict | None = None) -> dict:
    return {
        "manifest_version": MANIFEST_VERSION,
        "edition": edition,
        "reference_date": edition,
        "run_id": run_id,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "counts": status_counts(fulfilments),
        "inputs": inputs,
        "specs": spec_hashes,
        "requests": {rid: {**info, "fulfilment": asdict(fulfilments[rid])} for rid, info in requests.items()},
        **(extra or {}),
    }
