"""Totals of a publisher that prints none (`totals: derived`): the sum of its parts, never a silent
undercount; and the notes that say where each table's totals come from (or why it has none)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from validators.decisions import decide, reconciliation_by_source, totals_notes
from validators.spec.model import Request, Source
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source

# 2022: both parts given; 2023: C not given (missing); 2024: B withheld by the publisher ('<5')
CSV = "year;area;n\n2022;A;1\n2022;B;2\n2023;A;3\n2023;B;4\n2023;C;\n2024;A;5\n2024;B;<5\n2024;C;2\n"


def source(totals: str = "derived") -> Source:
    return Source.model_validate({
        "id": "s", "owner": {"en": "o", "es": "o"}, "kind": "aggregate", "format": "csv", "path": "s/*.csv",
        "delimiter": ";", "period_column": "year", "value_column": "n", "cell_key": ["area"], "totals": totals,
        "totals_why": "each person is in one area" if totals == "derived" else "", "columns": [
            {"source": "year", "name": "year", "type": "year"}, {"source": "area", "name": "area", "type": "string"},
            {"source": "n", "name": "n", "type": "integer", "nullable": True, "suppressed": ["<5"],
             "suppressed_max": 4}]})


REQ = Request.model_validate({"id": "r", "paragraph": "1", "title": {"en": "t", "es": "t"}, "asks": "how many by area",
                              "source": "s", "measure": {"kind": "sum", "unit": "PS", "what": {"en": "p", "es": "p"}},
                              "breakdowns": ["area"], "period": {"from": "2022-01-01", "frequency": "year"}})


@pytest.fixture
def built(tmp_path: Path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "x.csv").write_text(CSV)
    con = connect(tmp_path / "w.duckdb")

    def build(totals: str):
        src = source(totals)
        load_source(con, src, tmp_path, {}, "specs/sources/s.yaml", totals, "k")
        info = build_cube(con, REQ, src, {}, date(2024, 12, 31), "specs/sources/s.yaml")
        return src, con.execute(f"SELECT * FROM {info.table}").df()

    yield build
    con.close()


def test_derived_totals_add_the_parts_and_never_undercount(built):
    src, df = built("derived")
    totals = {r.time_period: (None if pd.isna(r.obs_value) else r.obs_value, r.obs_status, r.conf_status)
              for r in df[df["area"] == "_T"].itertuples()}
    assert totals["2022"] == (3, "A", "F")        # 1 + 2
    assert totals["2023"] == (None, "M", "F")     # C not given: the total is missing, not 3 + 4
    assert totals["2024"] == (None, "A", "C")     # B withheld ('<5'): the total is withheld, not 5 + 2
    notes = totals_notes(src, df, ["area"])
    assert notes == ["totals (_T) are the sum of the publisher's parts (it prints none): each person is in one area "
                     "A total over a part the source does not give is missing (M), over a withheld part withheld (C)"]
    decision = decide(REQ, src, ["2022", "2023", "2024"], df, len(df), [])
    assert notes[0] in decision.fulfilment.notes and decision.reconciliation is None


def test_a_table_without_totals_says_why(built):
    src, df = built("published")
    assert not df["area"].eq("_T").any()
    assert totals_notes(src, df, ["area"]) == [
        "area: no total (_T) is published; the publisher prints none and it is not derived"]


def test_reconciliation_is_recorded_per_source_with_aggregate_figures_only():
    rec = {"checked": 3, "match": 2, "mismatch": 1, "examples": ["total over sex is 509 but its parts add up to 1054"]}
    got = reconciliation_by_source({"a": ("glotip", rec), "b": ("glotip", {**rec, "examples": []}), "c": ("iom", None)})
    assert got == {"glotip": {"checked": 6, "match": 4, "mismatch": 2, "requests": ["a", "b"],
                              "examples": ["a: total over sex is 509 but its parts add up to 1054"]}}


def test_derived_totals_need_their_why():
    with pytest.raises(ValueError, match="`totals: derived` needs `totals_why`"):
        Source.model_validate({**source().model_dump(by_alias=True), "totals_why": ""})
