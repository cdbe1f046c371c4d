"""Run history over hand-written editions: an old manifest lacking the later keys still lists and
diffs, every field of a summary is what `loipr editions` prints, and a table that appears, goes or
only grows is counted in the diff."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from validators.publish.history import (
    cell_changes,
    changed_keys,
    diff_editions,
    edition_summaries,
    edition_summary,
)

HEADER = "time_period,sex,obs_value,unit_measure,obs_status,conf_status\n"


def edition(outputs: Path, name: str, manifest: dict, tables: dict[str, str] | None = None) -> Path:
    folder = outputs / name
    (folder / "tables").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"edition": name, **manifest}))
    for rid, rows in (tables or {}).items():
        (folder / "tables" / f"{rid}.csv").write_text(HEADER + rows)
    return folder


def test_an_old_manifest_without_run_counts_specs_or_inputs_is_summarised_with_empty_fields(tmp_path):
    old = edition(tmp_path, "2023-12-31", {})
    empty = "e3b0c44298fc"  # sha256 of no text: no specs, no inputs
    assert edition_summary(old) == {"edition": "2023-12-31", "run_id": "", "created_at": "", "counts": {},
                                    "specs_hash": empty, "inputs_hash": empty, "code_version": ""}


def test_a_summary_names_the_run_its_counts_and_the_hashes_of_its_specs_and_inputs(tmp_path):
    new = edition(tmp_path, "2024-12-31", {
        "run_id": "r1", "created_at": "2025-01-02T03:04:05Z", "counts": {"delivered": 2}, "code_version": "abc",
        "specs": {"b.yaml": "22", "a.yaml": "11"}, "inputs": [{"source": "s", "file": "s/a.csv", "sha256": "33"}]})
    # sha256 of "a.yaml 11\nb.yaml 22" and of "s/s/a.csv 33" (name, space, hash; one line each, sorted)
    assert edition_summary(new) == {
        "edition": "2024-12-31", "run_id": "r1", "created_at": "2025-01-02T03:04:05Z", "counts": {"delivered": 2},
        "specs_hash": "962a5ebeefc2", "inputs_hash": "24f5e194c605", "code_version": "abc"}


def test_only_dated_folders_with_a_manifest_are_editions(tmp_path):
    assert edition_summaries(tmp_path / "none") == []
    edition(tmp_path, "2024-12-31", {})
    (tmp_path / "2025-12-31").mkdir()                   # a run that crashed before its manifest
    (tmp_path / "latest").mkdir()
    (tmp_path / "latest" / "manifest.json").write_text(json.dumps({"edition": "latest"}))
    assert [e["edition"] for e in edition_summaries(tmp_path)] == ["2024-12-31"]


def test_a_key_only_in_one_edition_is_a_change():
    assert changed_keys({"a": "1", "b": "2"}, {"b": "2", "c": "3"}) == {"a": ("1", None), "c": (None, "3")}


def test_a_table_that_appears_or_goes_counts_all_its_cells():
    assert cell_changes(None, None) == {"added": 0, "removed": 0, "changed": []}

    two = pd.DataFrame({"time_period": ["2024", "2024"], "obs_value": ["1", "2"]})
    assert cell_changes(None, two) == {"added": 2, "removed": 0, "changed": []}
    assert cell_changes(two, None) == {"added": 0, "removed": 2, "changed": []}


def test_a_diff_counts_cells_added_and_removed_and_a_request_only_in_one_edition(tmp_path):
    a = edition(tmp_path, "2023-12-31", {"requests": {"r1": {"fulfilment": {"status": "partial"}}, "r2": {}}},
                {"r1": "2023,F,1,PS,A,F\n2023,M,2,PS,A,F\n", "r2": "2023,F,5,PS,A,F\n"})
    b = edition(tmp_path, "2024-12-31", {"requests": {"r1": {"fulfilment": {"status": "partial"}},
                                                      "r3": {"fulfilment": {"status": "delivered"}}}},
                {"r1": "2023,F,1,PS,A,F\n2024,F,4,PS,A,F\n", "r3": "2024,F,6,PS,A,F\n"})
    assert diff_editions(a, b) == {
        "a": "2023-12-31", "b": "2024-12-31", "statuses": {"r3": (None, "delivered")}, "specs": {}, "inputs": {},
        "cells": {"r1": {"added": 1, "removed": 1, "changed": []}, "r2": {"added": 0, "removed": 1, "changed": []},
                  "r3": {"added": 1, "removed": 0, "changed": []}}}
    old = edition(tmp_path, "2022-12-31", {})  # no requests, specs or inputs recorded
    assert diff_editions(old, old) == {"a": "2022-12-31", "b": "2022-12-31", "statuses": {}, "specs": {},
                                       "inputs": {}, "cells": {}}
