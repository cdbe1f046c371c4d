"""Repeated cells of an aggregate source: resolved by the declared rule, always reported, never silently summed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from validators.decisions import Status, decide
from validators.spec.model import Request, Source
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source

CSV = "year;area;n\n2024;A;5\n2024;A;5\n2024;B;<5\n2024;B;7\n2024;C;2\n2024;C;3\n"


def source(rule: str) -> Source:
    return Source.model_validate({
        "id": "s", "owner": {"en": "o", "es": "o"}, "kind": "aggregate", "format": "csv", "path": "s/*.csv",
        "delimiter": ";", "period_column": "year", "value_column": "n", "cell_key": ["area"], "duplicates": rule,
        "duplicates_why": "" if rule == "error" else "because", "columns": [
            {"source": "year", "name": "year", "type": "year"}, {"source": "area", "name": "area", "type": "string"},
            {"source": "n", "name": "n", "type": "integer", "suppressed": ["<5"], "suppressed_max": 4}]})


REQ = Request.model_validate({"id": "r", "paragraph": "1", "title": {"en": "t", "es": "t"}, "asks": "how many in 2024",
                              "source": "s", "measure": {"kind": "sum", "unit": "PS", "what": {"en": "p", "es": "p"}},
                              "period": {"from": "2024-01-01", "frequency": "year"}})


def build(tmp_path: Path, rule: str, area: str):
    (tmp_path / "s").mkdir(exist_ok=True)
    (tmp_path / "s" / "x.csv").write_text(CSV)
    con = connect(tmp_path / f"{rule}.duckdb")
    src = source(rule)
    load_source(con, src, tmp_path, {}, "specs/sources/s.yaml", rule, "k")
    req = REQ.model_copy(update={"filters": {"area": area}})
    info = build_cube(con, req, src, {}, date(2024, 12, 31), "specs/sources/s.yaml")
    value = con.execute(f"SELECT obs_value, conf_status FROM {info.table}").fetchone()
    con.close()
    return info, value


@pytest.mark.parametrize("rule, area, value, severity", [
    ("drop_exact", "A", (5, "F"), "warning"),          # one exact repeat dropped: 5, not 10
    ("first", "C", (2, "F"), "warning"),
    ("sum", "C", (5, "F"), "warning"),
    ("keep_figure", "B", (7, "F"), "warning"),         # '<5' next to 7: the figure, not a withheld cell
    ("error", "A", (10, "F"), "error"),                # nothing resolved: the request fails
    ("drop_exact", "C", (5, "F"), "error"),            # 2 and 3 are not exact repeats
    ("keep_figure", "C", (5, "F"), "error"),           # two figures: which one is right is not known
])
def test_each_rule(tmp_path, rule, area, value, severity):
    info, got = build(tmp_path, rule, area)
    assert got == value
    [found] = info.findings
    assert found.check == "duplicate_cells" and found.severity == severity
    assert found.message.startswith("s/x.csv: 1 cell(s) (year, area) are given by more than one row (1 repeated row(s)), e.g. ")


def test_a_resolved_rule_names_itself_and_an_unresolved_one_says_what_to_do(tmp_path):
    info, _ = build(tmp_path, "drop_exact", "A")
    assert info.findings[0].message == (
        "s/x.csv: 1 cell(s) (year, area) are given by more than one row (1 repeated row(s)), e.g. "
        "year=2024-01-01, area=A at rows 2 (5), 3 (5); resolved by `duplicates: drop_exact` (dropped the rows "
        "that repeat an earlier row exactly, 1 row(s) dropped): because")
    info, _ = build(tmp_path, "error", "A")
    assert "not resolved by `duplicates: error`. Ask the publisher which row is right, or declare the rule " \
           "that fits in specs/sources/s.yaml" in info.findings[0].message
    import pandas as pd
    table = pd.DataFrame({"time_period": ["2024"], "obs_value": [10.0], "obs_status": ["A"]})
    assert decide(REQ, source("error"), ["2024"], table, 1, info.findings).fulfilment.status == Status.FAILED


def test_a_rule_other_than_error_needs_its_why():
    with pytest.raises(ValueError, match="`duplicates: sum` needs `duplicates_why`"):
        Source.model_validate({**source("error").model_dump(by_alias=True), "duplicates": "sum"})


def build_files(tmp_path: Path, src: Source, files: dict[str, str], filters: dict[str, str]):
    (tmp_path / "s").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (tmp_path / "s" / name).write_text(text)
    con = connect(tmp_path / f"{src.duplicates}-{src.mode}.duckdb")
    load_source(con, src, tmp_path, {}, "specs/sources/s.yaml", src.duplicates, "k")
    info = build_cube(con, REQ.model_copy(update={"filters": filters}), src, {}, date(2024, 12, 31),
                      "specs/sources/s.yaml")
    value = con.execute(f"SELECT obs_value FROM {info.table}").fetchone()[0]
    con.close()
    return info, value


TWO_FILES = {"a.csv": "year;area;n\n2024;A;5\n2024;B;1\n", "b.csv": "year;area;n\n2024;A;5\n"}


def test_a_cell_given_again_in_another_file_is_a_duplicate_never_summed(tmp_path):
    info, value = build_files(tmp_path, source("drop_exact"), TWO_FILES, {})
    assert value == 6  # A once (5) and B (1), not 11
    [found] = info.findings
    assert found.severity == "warning" and found.message.startswith(
        "s/a.csv: 1 cell(s) (year, area) are given by more than one row (1 repeated row(s)), e.g. "
        "year=2024-01-01, area=A at rows 2 (5), 2 (5); resolved by `duplicates: drop_exact`")
    info, value = build_files(tmp_path / "error", source("error"), TWO_FILES, {})
    assert [f.severity for f in info.findings] == ["error"]


def test_a_snapshot_source_resolves_the_repeats_of_its_newest_release_alone(tmp_path):
    src = source("drop_exact").model_copy(update={"mode": "snapshot"})
    releases = {"r_2024-01.csv": "year;area;n\n2024;A;9\n",
                "r_2024-06.csv": "year;area;n\n2024;A;5\n2024;A;5\n2024;B;1\n"}
    info, value = build_files(tmp_path, src, releases, {"area": "A"})
    assert value == 5  # the newest release's A, its exact repeat dropped; the older release not read
    [found] = info.findings
    assert found.message == (
        "s/r_2024-06.csv: 1 cell(s) (year, area) are given by more than one row (1 repeated row(s)), e.g. "
        "year=2024-01-01, area=A at rows 2 (5), 3 (5); resolved by `duplicates: drop_exact` (dropped the rows "
        "that repeat an earlier row exactly, 1 row(s) dropped): because")


def test_a_duplicate_finding_names_its_request_file_key_columns_and_count():
    from warehouse.keys import Duplicates, duplicate_findings

    spec = {**source("sum").model_dump(by_alias=True), "cell_key": ["area", "kind"]}
    spec["columns"] = spec["columns"] + [{"source": "kind", "name": "kind", "type": "string"}]
    summed = Source.model_validate(spec)
    example = "year=2024-01-01, area=A, kind=k at rows 2 (1), 3 (2)"
    [f] = duplicate_findings("r", summed, "specs/sources/s.yaml", [Duplicates("s/x.csv", 2, 3, 0, 0, example)])
    assert (f.spec, f.source_file, f.column, f.value, f.severity) == ("r", "s/x.csv", "area,kind", "2", "warning")
    assert f.message == ("s/x.csv: 2 cell(s) (year, area, kind) are given by more than one row (3 repeated row(s)), "
                         f"e.g. {example}; resolved by `duplicates: sum` (added the rows of each cell up): because")
    failing = Source.model_validate({**spec, "duplicates": "error", "duplicates_why": ""})
    [f] = duplicate_findings("r", failing, "specs/sources/s.yaml", [Duplicates("s/x.csv", 2, 3, 0, 1, example)])
    assert (f.spec, f.source_file, f.column, f.value, f.severity) == ("r", "s/x.csv", "area,kind", "1", "error")
