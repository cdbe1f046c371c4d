"""Write an edition: stage everything in outputs/.staging-<edition>-<run>/, then rename into place.

A reader never sees half an edition: the old one is moved aside as .previous-<edition> and is
only deleted once the new one is in place; a crash in between is repaired by `recover_editions`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .fulfilment import Fulfilment
from .table import FINDING_COLUMNS

EDITION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST_VERSION = 1


def code_version() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).parent, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"loipr-stats {version('loipr-stats')}" + (f" ({sha})" if sha else "")


def pause_for_test(step: str) -> None:
    """Test hook: LOIPR_TEST_PAUSE_AT=<step> (load, publish) sleeps there so a test can SIGKILL the run."""
    if os.environ.get("LOIPR_TEST_PAUSE_AT") == step:
        sys.stderr.write(f"LOIPR paused at {step}\n")  # not print: log_prints would swallow it
        sys.stderr.flush()
        time.sleep(float(os.environ.get("LOIPR_TEST_PAUSE_SECONDS", "60")))


def edition_dir(outputs: Path, edition: str) -> Path:
    """The edition's folder; refuses any name that could point outside outputs/."""
    if not EDITION.fullmatch(edition):
        raise ValueError(f"edition '{edition}' must be a reference date YYYY-MM-DD")
    return outputs.resolve() / edition


def published_columns(table: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """The contract's columns, in order; internal columns (prefixed _) never leave."""
    cols = ["time_period", *dims, "obs_value", "unit_measure", "obs_status", "conf_status"]
    out = table[cols].copy()
    out.loc[out["conf_status"].isin(["C", "D"]), "obs_value"] = None
    return out


def recover_editions(outputs: Path) -> list[str]:
    """Put back any edition whose replacement crashed between the two renames."""
    restored = []
    for previous in outputs.glob(".previous-*"):
        name = previous.name.removeprefix(".previous-")
        target = outputs / name
        if not target.exists():
            previous.rename(target)
            restored.append(name)
        else:
            shutil.rmtree(previous)
    return restored


def write_table(folder: Path, request_id: str, table: pd.DataFrame) -> None:
    table.to_csv(folder / f"{request_id}.csv", index=False)
    table.to_parquet(folder / f"{request_id}.parquet", index=False)


def build_manifest(edition: str, run_id: str, inputs: list[dict], spec_hashes: dict[str, str],
                   requests: dict[str, dict], fulfilments: dict[str, Fulfilment],
                   extra: dict | None = None) -> dict:
    counts = {s: 0 for s in ("delivered", "partial", "unavailable", "failed")}
    for f in fulfilments.values():
        counts[f.status] += 1
    return {
        "manifest_version": MANIFEST_VERSION,
        "edition": edition,
        "reference_date": edition,
        "run_id": run_id,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "counts": counts,
        "inputs": inputs,
        "specs": spec_hashes,
        "requests": {rid: {**info, "fulfilment": asdict(fulfilments[rid])} for rid, info in requests.items()},
        **(extra or {}),
    }


def publish_edition(outputs: Path, edition: str, run_id: str, tables: dict[str, pd.DataFrame],
                    findings: list[dict], manifest: dict, extras: Sequence[Callable[[Path], None]] = ()) -> Path:
    """Write tables, findings and manifest to a staging folder, then swap it into place.

    `extras` write more files into the staging folder (reading what is already there, e.g. the
    reviewer report) before the rename, so the edition appears complete in one rename."""
    target = edition_dir(outputs, edition)
    outputs = target.parent
    outputs.mkdir(parents=True, exist_ok=True)
    recover_editions(outputs)
    for stale in outputs.glob(f".staging-{edition}-*"):  # left by a killed run (writers are serialised)
        shutil.rmtree(stale, ignore_errors=True)
    staging = outputs / f".staging-{edition}-{run_id}"
    (staging / "tables").mkdir(parents=True)
    try:
        for request_id, table in tables.items():
            write_table(staging / "tables", request_id, table)
        pd.DataFrame(findings, columns=FINDING_COLUMNS).to_csv(staging / "findings.csv", index=False)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
        for extra in extras:
            extra(staging)
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        files = sorted({*files, "manifest.json"})
        manifest = {**manifest, "files": files}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pause_for_test("publish")  # staging complete, old edition still in place
    previous = outputs / f".previous-{edition}"
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    return target
