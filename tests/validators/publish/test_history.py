"""Run history: editions listed from their manifests, and the diff between two editions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from flows.cli import app
from validators.decisions import Fulfilment, Status
from validators.publish import build_manifest, publish_edition
from validators.publish.history import diff_editions, edition_summaries


def table(values: list[str], statuses: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"time_period": ["2024", "2024", "2024"], "sex": ["F", "M", "_T"],
                         "obs_value": values, "unit_measure": "PS", "obs_status": statuses,
                         "conf_status": "F"})


def publish(outputs: Path, edition: str, run_id: str, t: pd.DataFrame, status: str, spec_hash: str,
            input_hash: str) -> Path:
    f = Fulfilment("40h-victims", Status(status), ["sex"], ["sex"])
    info = {"paragraph": ["40h"], "title": {"en": "Victims"}, "source": "s", "rows": len(t),
            "published": True, "source_files": [], "spec_sha256": spec_hash, "errors": 0, "warnings": 0}
    inputs = [{"source": "s", "file": "s/a.csv", "sha256": input_hash}]
    manifest = build_manifest(edition, run_id, inputs, {"specs/requests/40h-victims.yaml": spec_hash},
                              {"40h-victims": info}, {"40h-victims": f})
    return publish_edition(outputs, edition, run_id, {"40h-victims": t}, [], manifest)


def test_editions_are_listed_with_counts_and_hashes(tmp_path: Path):
    publish(tmp_path, "2025-12-31", "run2", table(["1", "2", "3"], ["A"] * 3), "delivered", "aa", "11")
    publish(tmp_path, "2024-12-31", "run1", table(["1", "2", "3"], ["A"] * 3), "partial", "aa", "11")
    (tmp_path / "not-an-edition").mkdir()
    listed = edition_summaries(tmp_path)
    assert [e["edition"] for e in listed] == ["2024-12-31", "2025-12-31"]
    assert listed[0]["counts"] == {"delivered": 0, "partial": 1, "unavailable": 0, "failed": 0}
    assert listed[0]["specs_hash"] == listed[1]["specs_hash"] and len(listed[0]["specs_hash"]) == 12
    assert listed[0]["run_id"] == "run1"


def test_diff_names_changed_cells_statuses_specs_and_inputs(tmp_path: Path):
    a = publish(tmp_path / "a", "2025-12-31", "r1", table(["1", "2", "3"], ["A", "A", "A"]), "partial", "aa", "11")
    b = publish(tmp_path / "b", "2025-12-31", "r2", table(["1", "5", "6"], ["A", "E", "A"]), "delivered", "bb", "22")
    d = diff_editions(a, b)
    assert d["statuses"] == {"40h-victims": ("partial", "delivered")}
    assert d["specs"] == {"specs/requests/40h-victims.yaml": ("aa", "bb")}
    assert d["inputs"] == {"s/s/a.csv": ("11", "22")}
    cells = d["cells"]["40h-victims"]
    assert (cells["added"], cells["removed"]) == (0, 0)
    assert cells["changed"] == [
        {"key": {"time_period": "2024", "sex": "M"}, "obs_value": ("2", "5"), "obs_status": ("A", "E")},
        {"key": {"time_period": "2024", "sex": "_T"}, "obs_value": ("3", "6")}]
    assert diff_editions(a, a) == {"a": "2025-12-31", "b": "2025-12-31", "statuses": {}, "specs": {},
                                   "inputs": {}, "cells": {}}


def test_loipr_diff_and_editions_print_the_changes(tmp_path: Path):
    a = publish(tmp_path / "a", "2025-12-31", "r1", table(["1", "2", "3"], ["A", "A", "A"]), "partial", "aa", "11")
    b = publish(tmp_path / "b", "2025-12-31", "r2", table(["1", "2", "4"], ["A", "A", "A"]), "partial", "aa", "11")
    result = CliRunner().invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2025-12-31 -> 2025-12-31",
        "cells   40h-victims: 0 added, 0 removed, 1 changed",
        "          time_period=2024 sex=_T: obs_value '3' -> '4'"]
    missing = CliRunner().invoke(app, ["diff", "2023-12-31", str(b), "--outputs", str(tmp_path)])
    assert missing.exit_code == 1
    listed = CliRunner().invoke(app, ["editions", "--outputs", str(tmp_path / "a")])
    assert listed.exit_code == 0 and "2025-12-31  r1" in listed.output


def test_loipr_diff_prints_changes_of_tables_with_several_breakdowns(tmp_path: Path):
    """A key of three columns or more once broke the printing (its dict was unpacked as a pair)."""
    def two_dims(value: str, conf: str) -> pd.DataFrame:
        return pd.DataFrame({"time_period": ["2024"], "sex": ["F"], "age": ["Y_LT18"], "obs_value": [value],
                             "unit_measure": "PS", "obs_status": "A", "conf_status": [conf]})
    a = publish(tmp_path / "a", "2025-12-31", "r1", two_dims("", "C"), "partial", "aa", "11")
    b = publish(tmp_path / "b", "2025-12-31", "r2", two_dims("5", "F"), "partial", "aa", "11")
    result = CliRunner().invoke(app, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == ("          time_period=2024 sex=F age=Y_LT18: obs_value '' -> '5'; "
                                              "conf_status 'C' -> 'F'")


def test_counts_are_printed_whole_and_a_diff_across_the_change_compares_values(tmp_path: Path):
    floats = table([1050.0, float("nan"), 1051.0], ["A", "M", "A"])
    b = publish(tmp_path / "b", "2025-12-31", "r2", floats, "partial", "aa", "11")
    lines = (b / "tables" / "40h-victims.csv").read_text().splitlines()
    assert lines[1:] == ["2024,F,1050,PS,A,F", "2024,M,,PS,M,F", "2024,_T,1051,PS,A,F"]
    a = publish(tmp_path / "a", "2025-12-31", "r1", floats, "partial", "aa", "11")
    old = (a / "tables" / "40h-victims.csv")  # an edition printed before: 1050.0
    old.write_text(old.read_text().replace(",1050,", ",1050.0,").replace(",1051,", ",1051.0,"))
    assert diff_editions(a, b)["cells"] == {}
    dollars = table([1.5, 2.0, 3.5], ["A"] * 3)  # US$ with cents stay as they are
    c = publish(tmp_path / "c", "2025-12-31", "r3", dollars, "partial", "aa", "11")
    assert (c / "tables" / "40h-victims.csv").read_text().splitlines()[1] == "2024,F,1.5,PS,A,F"
