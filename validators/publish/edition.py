"""Write an edition: stage everything in outputs/.staging-<edition>-<run>/, then rename into place.

A reader never sees half an edition: the old one is moved aside as .previous-<edition> and is
only deleted once the new one is in place; a crash in between is repaired by `recover_editions`.
The tables (every format of publish/formats/, and SDMX in sdmx/), findings, manifest, GX results and reviewer files
(report.html, annex.xlsx) are all written into the staging folder, so one rename publishes all.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd

from validators.review import write_reviewer_files
from validators.spec.catalogue import Catalogue
from validators.spec.findings import FINDING_COLUMNS, Finding

from .formats import write_table
from .sdmx import DEFAULT_AGENCY
from .sdmx_edition import write_sdmx

EDITION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def edition_dir(outputs: Path, edition: str) -> Path:
    """The edition's folder; refuses any name that could point outside outputs/."""
    if not EDITION.fullmatch(edition):
        raise ValueError(f"edition '{edition}' must be a reference date YYYY-MM-DD")
    return outputs.resolve() / edition


def published_columns(table: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """The contract's columns, in order; internal columns (prefixed _) never leave."""
    cols = ["time_period", *dims, "obs_value", "unit_measure", "obs_status", "conf_status"]
    out = table[cols].copy()
    withheld = out["conf_status"].isin(["C", "D"])
    out.loc[withheld, "obs_value"] = None
    out.loc[withheld, "conf_status"] = "C"  # contract v2: primary and secondary are not told apart
    return out


def one_withheld_flag(table: pd.DataFrame) -> pd.DataFrame:
    """Contract v2: every withheld cell is C, its value empty (a D never reaches a published file)."""
    if "conf_status" not in table.columns or not table["conf_status"].eq("D").any():
        return table
    out = table.copy()
    out.loc[out["conf_status"] == "D", ["obs_value", "conf_status"]] = [None, "C"]
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


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """findings.csv: row numbers as whole numbers (never 5059.0), empty where not applicable."""
    frame = pd.DataFrame([f.as_row() for f in findings], columns=FINDING_COLUMNS)
    return frame.astype({"row": "Int64"})


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))


def stage_edition(outputs: Path, edition: str, run_id: str, tables: dict[str, pd.DataFrame],
                  findings: list[Finding], manifest: dict, catalogue: Catalogue | None = None,
                  gx_results: dict[str, tuple[dict, list[dict]]] | None = None,
                  sdmx_agency: str = DEFAULT_AGENCY) -> Path:
    """Everything of the edition in a fresh staging folder (removed again if anything fails)."""
    outputs.mkdir(parents=True, exist_ok=True)
    recover_editions(outputs)
    for stale in outputs.glob(f".staging-{edition}-*"):  # left by a killed run (writers are serialised)
        shutil.rmtree(stale, ignore_errors=True)
    staging = outputs / f".staging-{edition}-{run_id}"
    (staging / "tables").mkdir(parents=True)
    try:
        for request_id, table in tables.items():
            write_table(staging / "tables", request_id, one_withheld_flag(table))
        if catalogue is not None:  # SDMX needs the specs: structures, and the dataflow of each table
            flagged = {rid: one_withheld_flag(t) for rid, t in tables.items()}
            manifest = {**manifest, "sdmx": write_sdmx(staging, catalogue, flagged, manifest, sdmx_agency)}
        findings_frame(findings).to_csv(staging / "findings.csv", index=False)
        write_manifest(staging, manifest)
        if catalogue is not None:  # GX results, report.html and annex.xlsx read what is staged
            write_reviewer_files(staging, catalogue, gx_results or {})
        files = sorted({*(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()),
                        "manifest.json"})
        write_manifest(staging, {**manifest, "files": files})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_into_place(staging: Path, target: Path) -> Path:
    """The staged edition replaces the published one: two renames, the old kept until the second."""
    previous = target.parent / f".previous-{target.name}"
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    return target


def publish_edition(outputs: Path, edition: str, run_id: str, tables: dict[str, pd.DataFrame],
                    findings: list[Finding], manifest: dict, catalogue: Catalogue | None = None,
                    gx_results: dict[str, tuple[dict, list[dict]]] | None = None,
                    sdmx_agency: str = DEFAULT_AGENCY) -> Path:
    """Stage the whole edition, then swap it into place; the published folder."""
    target = edition_dir(outputs, edition)
    staging = stage_edition(target.parent, edition, run_id, tables, findings, manifest, catalogue, gx_results,
                            sdmx_agency)
    return swap_into_place(staging, target)
