"""Run history: the published editions and what changed between two of them.

Pure functions over outputs/<edition>/ (manifest.json and tables/*.csv); they never open the
warehouse, so `loipr editions` and `loipr diff` work while a run holds the DuckDB file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from .edition import EDITION

VALUE_COLUMNS = ["obs_value", "unit_measure", "obs_status", "conf_status"]


def digest(items: dict[str, str]) -> str:
    """One short hash for a set of named hashes (order-independent)."""
    text = "\n".join(f"{k} {v}" for k, v in sorted(items.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def edition_summary(folder: Path) -> dict:
    m = read_manifest(folder)
    inputs = {f"{i['source']}/{i['file']}": i["sha256"] for i in m.get("inputs", [])}
    return {"edition": m["edition"], "run_id": m.get("run_id", ""), "created_at": m.get("created_at", ""),
            "counts": m.get("counts", {}), "specs_hash": digest(m.get("specs", {})),
            "inputs_hash": digest(inputs), "code_version": m.get("code_version", "")}


def edition_summaries(outputs: Path) -> list[dict]:
    """Every published edition under outputs/, oldest reference date first."""
    folders = [p for p in outputs.iterdir() if p.is_dir() and EDITION.fullmatch(p.name)
               and (p / "manifest.json").is_file()] if outputs.is_dir() else []
    return [edition_summary(p) for p in sorted(folders)]


def changed_keys(a: dict[str, str], b: dict[str, str]) -> dict[str, tuple[str | None, str | None]]:
    return {k: (a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)}


def read_table(folder: Path, request_id: str) -> pd.DataFrame | None:
    """A published table as text; `1050.0` (editions before whole-number printing) reads as `1050`,
    so that a diff across editions compares values, not their printing."""
    path = folder / "tables" / f"{request_id}.csv"
    if not path.is_file():
        return None
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "obs_value" in table:
        table["obs_value"] = table["obs_value"].str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return table


def cell_changes(a: pd.DataFrame | None, b: pd.DataFrame | None) -> dict:
    """Cells added, removed and changed (value or status), keyed by period and breakdown codes."""
    if a is None or b is None:
        return {"added": 0 if b is None else len(b), "removed": 0 if a is None else len(a), "changed": []}
    keys = [c for c in a.columns if c not in VALUE_COLUMNS and c in b.columns]
    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    changed = []
    for _, row in both.iterrows():
        diffs = {c: (row[f"{c}_a"], row[f"{c}_b"]) for c in VALUE_COLUMNS
                 if f"{c}_a" in row and row[f"{c}_a"] != row[f"{c}_b"]}
        if diffs:
            changed.append({"key": {k: row[k] for k in keys}, **diffs})
    return {"added": int((merged["_merge"] == "right_only").sum()),
            "removed": int((merged["_merge"] == "left_only").sum()), "changed": changed}


def diff_editions(a: Path, b: Path) -> dict:
    """What changed from edition folder `a` to `b`: statuses, specs, inputs and cells per request."""
    ma, mb = read_manifest(a), read_manifest(b)
    ra, rb = ma.get("requests", {}), mb.get("requests", {})
    status = {r: (ra.get(r, {}).get("fulfilment", {}).get("status"), rb.get(r, {}).get("fulfilment", {}).get("status"))
              for r in sorted(ra.keys() | rb.keys())}
    inputs = [{f"{i['source']}/{i['file']}": i["sha256"] for i in m.get("inputs", [])} for m in (ma, mb)]
    cells = {r: cell_changes(read_table(a, r), read_table(b, r)) for r in sorted(ra.keys() | rb.keys())}
    return {"a": ma["edition"], "b": mb["edition"],
            "statuses": {r: s for r, s in status.items() if s[0] != s[1]},
            "specs": changed_keys(ma.get("specs", {}), mb.get("specs", {})),
            "inputs": changed_keys(*inputs),
            "cells": {r: c for r, c in cells.items() if c["added"] or c["removed"] or c["changed"]}}
