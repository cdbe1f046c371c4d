"""An edition's sdmx/ folder: structure.xml (every request's dataflow) and one SDMX-CSV file per
published table, with their sha256 for the manifest.

Written with the rest of the edition into its staging folder, and rebuilt for a published edition by
`loipr sdmx` (from its tables/*.csv and the notes of its manifest), in a new folder swapped into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd

from validators.spec.catalogue import Catalogue

from .formats import sdmx_csv, sdmx_ml
from .sdmx import DEFAULT_AGENCY, build_structures

FOLDER = "sdmx"
STRUCTURE = "structure.xml"
FORMATS = {"structure": "SDMX-ML 2.1 structure message", "data": "SDMX-CSV 2.0"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_notes(manifest: dict, request_id: str) -> list[str]:
    return list(manifest.get("requests", {}).get(request_id, {}).get("fulfilment", {}).get("notes", []))


def write_sdmx(edition: Path, catalogue: Catalogue, tables: dict[str, pd.DataFrame], manifest: dict,
               agency: str = DEFAULT_AGENCY, folder: Path | None = None) -> dict:
    """Write the structure and each table's SDMX-CSV into edition/sdmx (or `folder`); the manifest's
    `sdmx` entry: agency, formats, and every file (relative to the edition) with its sha256."""
    target = folder or edition / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    structures = build_structures(catalogue, agency)
    known = {f.request for f in structures.dataflows}
    sdmx_ml.write(structures, target / STRUCTURE, f"{agency}_{manifest['edition']}",
                  manifest.get("created_at") or f"{manifest['edition']}T00:00:00Z")
    written = [target / STRUCTURE]
    skipped = []
    for request_id, table in sorted(tables.items()):
        if request_id not in known:  # a table whose request left the specs: no structure to refer to
            skipped.append(request_id)
            continue
        path = target / f"{request_id}.{sdmx_csv.SUFFIX}"
        sdmx_csv.write(table, path, structures.dataflow(request_id), table_notes(manifest, request_id))
        written.append(path)
    return {"agency": agency, "formats": FORMATS, "dataflows": len(structures.dataflows),
            "codelists": len(structures.codelists), "not_written": skipped,
            "files": {f"{FOLDER}/{p.name}": sha256(p) for p in written}}


def changed_specs(manifest: dict, catalogue: Catalogue) -> list[str]:
    """Spec files whose content differs from the edition's (or that it did not have): the rebuilt
    structures follow the specs as they are now, so the office should know."""
    then = manifest.get("specs", {})
    return sorted(p for p in then.keys() | catalogue.hashes.keys() if then.get(p) != catalogue.hashes.get(p))


def published_tables(edition: Path, manifest: dict) -> dict[str, pd.DataFrame]:
    """The edition's published tables as text, as they were written (codes such as 0110 stay codes)."""
    out = {}
    for request_id, info in manifest.get("requests", {}).items():
        path = edition / "tables" / f"{request_id}.csv"
        if info.get("published") and path.is_file():
            out[request_id] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return out


def rebuild_sdmx(edition: Path, catalogue: Catalogue, agency: str = DEFAULT_AGENCY) -> dict:
    """Rebuild edition/sdmx from its tables and manifest: a new folder beside it, swapped into place,
    then the manifest's `sdmx` entry and file list updated (written whole, then renamed)."""
    manifest = json.loads((edition / "manifest.json").read_text())
    fresh = edition / f".{FOLDER}-new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        entry = write_sdmx(edition, catalogue, published_tables(edition, manifest), manifest, agency, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = edition / f".{FOLDER}-old"
    if (edition / FOLDER).exists():
        (edition / FOLDER).rename(old)
    fresh.rename(edition / FOLDER)
    shutil.rmtree(old, ignore_errors=True)
    files = {f for f in manifest.get("files", []) if not f.startswith(f"{FOLDER}/")} | set(entry["files"])
    updated = {**manifest, "sdmx": entry, "files": sorted(files)}
    tmp = edition / ".manifest.json.new"
    tmp.write_text(json.dumps(updated, indent=2, ensure_ascii=False, default=str))
    os.replace(tmp, edition / "manifest.json")
    return entry
