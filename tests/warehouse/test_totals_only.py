"""totals_only: sex not stated published in total (and by direction) only; every figure kept is the
one the full cube gives, and nothing published gives the dropped not-stated counts back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.warehouse.test_grouping import _loaded
from validators.spec.model import TotalsOnly
from warehouse.cube import build_cube

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = date(2025, 12, 31)
KEYS = ["time_period", "direction", "nationality", "sex", "age"]


def _built(con, cat, totals_only: dict) -> pd.DataFrame:
    req = cat.requests["40a-movements"].model_copy(update={"totals_only": totals_only})
    info = build_cube(con, req, cat.sources[req.source], cat.codelists, REFERENCE)
    return con.execute(f"SELECT * FROM {info.table}").df().set_index(KEYS).sort_index()


def test_sex_not_stated_and_both_sexes_are_published_only_in_total_and_by_direction(tmp_path):
    cat, con = _loaded(tmp_path)
    full = _built(con, cat, {})
    kept = _built(con, cat, {"sex": TotalsOnly(code="_U", crossed_with=["direction"])})
    rows = kept.reset_index()
    detail = (rows["nationality"] != "_T") | (rows["age"] != "_T")
    assert not (rows["sex"].isin(["_U", "_T"]) & detail).any()
    # not stated and both sexes, in total and by direction: still there, for every year
    top = rows[rows["sex"].isin(["_U", "_T"]) & ~detail]
    assert len(top) == rows["time_period"].nunique() * 2 * 3  # 2 codes x (entry, exit, both)
    # men, women (and other) by nationality and by age: all there
    stated = ["M", "F", "_O"]
    assert len(rows[rows["sex"].isin(stated)]) == len(full.reset_index().query("sex in @stated"))
    # every figure kept is the full cube's, and only the dropped rows are missing
    pd.testing.assert_frame_equal(kept, full.loc[kept.index])
    dropped = full.reset_index()
    dropped = dropped[dropped["sex"].isin(["_U", "_T"]) & ((dropped["nationality"] != "_T") | (dropped["age"] != "_T"))]
    assert len(full) - len(kept) == len(dropped) > 0


def test_no_published_figures_give_the_not_stated_count_by_nationality_back(tmp_path):
    """What a reader can add up (men + women by nationality) differs from the total by nationality by
    exactly the not-stated counts, which are unpublished: the gap is only bounded by their total."""
    cat, con = _loaded(tmp_path)
    kept = _built(con, cat, {"sex": TotalsOnly(code="_U", crossed_with=["direction"])}).reset_index()
    by_nationality = kept[(kept["age"] == "_T") & (kept["nationality"] != "_T")]
    assert {"M", "F"} <= set(by_nationality["sex"]) and not {"_U", "_T"} & set(by_nationality["sex"])
    assert not len(kept[(kept["sex"] == "_T") & (kept["nationality"] != "_T")])
