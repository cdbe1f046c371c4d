"""Disclosure control of an edition: rules per request, joint protection, flags in the tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.catalogue import real_catalogue
from validators.disclosure import protect_edition
from validators.disclosure.attack import attacker_interval
from validators.disclosure.edition import sub_tables
from validators.spec.model import Request

ROOT = Path(__file__).resolve().parents[3]
CAT = real_catalogue()


def _request(**extra) -> Request:
    return Request.model_validate({
        "id": "40x-victims", "paragraph": "40(x)", "title": {"en": "Victims", "es": "Víctimas"},
        "asks": "Victims, disaggregated by sex and age", "source": "minsa-covid-deaths",
        "measure": {"kind": "count", "unit": "PS", "what": {"en": "persons", "es": "personas"}},
        "breakdowns": ["sex", {"age": "age_child_adult"}], "period": {"from": "2020-01-01", "frequency": "year"},
        **extra})


def _cube(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A full sex x age cube with its margins, from the inner cells."""
    rows = dict(cells)
    for s in ("F", "M"):
        rows[(s, "_T")] = sum(v for (s2, _), v in cells.items() if s2 == s)
    for a in ("Y0T17", "Y_GE18"):
        rows[("_T", a)] = sum(v for (_, a2), v in cells.items() if a2 == a)
    rows[("_T", "_T")] = sum(cells.values())
    return pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "unit_measure": "PS",
                          "obs_status": "A", "conf_status": "F"} for (s, a), v in rows.items()])


def test_small_counts_are_withheld_with_flags_and_complements():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request(sensitive=True)}, CAT.codelists)
    protected = out["40x-victims"]
    published = protected["obs_value"].dropna()
    assert not ((published >= 1) & (published < 5)).any()
    assert protected.loc[(protected.sex == "F") & (protected.age == "Y0T17"), "conf_status"].item() == "C"
    assert (protected["conf_status"] == "D").sum() >= 3  # a 2x2 cycle: the lone cell is not recoverable
    assert report["40x-victims"]["threshold"] == 5 and report["40x-victims"]["primary"] == 1


def test_crossings_are_protected_as_sub_tables():
    req = _request(cross=[["sex"], ["age"]])
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    table = table[(table.sex == "_T") | (table.age == "_T")].reset_index(drop=True)
    assert [dims for _, dims in sub_tables(table, req)] == [["sex"], ["age"]]
    out, _ = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    assert out["40x-victims"]["obs_value"].notna().all()  # no cell below 5 in the margins


def test_a_cube_whose_totals_do_not_add_up_gets_primary_suppression_and_says_why():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    table.loc[(table.sex == "_T") & (table.age == "_T"), "obs_value"] = 100.0  # not 122
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request()}, CAT.codelists)
    assert out["40x-victims"].loc[(table.sex == "F") & (table.age == "Y0T17"), "conf_status"].item() == "C"
    assert report["40x-victims"]["secondary_not_applied"].startswith("the table's totals are not a consistent cube (")
    assert report["40x-victims"]["secondary_not_applied"].endswith("): only cells below the threshold are withheld")


def test_out_of_time_the_safe_pattern_withholds_the_totals_and_the_attacker_learns_nothing():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request()}, CAT.codelists, budget=0)
    protected = out["40x-victims"]
    withheld = protected[protected["conf_status"].isin(["C", "D"])]
    assert set(zip(withheld.sex, withheld.age)) == {("F", "Y0T17"), ("F", "_T"), ("_T", "Y0T17"), ("_T", "_T")}
    cell = protected.index[(protected.sex == "F") & (protected.age == "Y0T17")][0]
    lo, hi = attacker_interval(protected, ["sex", "age"], cell)
    assert lo == 0 and hi == float("inf")
    assert report["40x-victims"]["method"].startswith("primary cells and every total they add up into")
