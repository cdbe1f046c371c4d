"""Protection of tables that publish sex not stated only in total (a request's totals_only): no
"both sexes" by age, so a small cell is hidden within its own sex, and a small not-stated total in a
filtered table is protected through the tables it is linked with, never by withholding whole years."""

from __future__ import annotations

import pandas as pd

from tests.catalogue import real_catalogue
from tests.validators.disclosure.test_edition import _interval, _request
from validators.disclosure import protect_edition

CAT = real_catalogue()


def _frame(rows: dict[tuple[str, ...], int], dims: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"time_period": "2021", **dict(zip(dims, key)), "obs_value": float(v), "unit_measure": "PS",
                          "obs_status": "A", "conf_status": "F"} for key, v in rows.items()])


def test_without_both_sexes_by_age_a_small_cell_is_hidden_within_its_own_sex():
    """Girls 2, women 40, no boys: with no "both sexes" by age the line by sex is no equation, so
    withholding the girls and the women keeps every promise (no hypercube across the sexes exists:
    the boys are 0); the men, the sex totals and the total stay."""
    rows = {("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 0, ("M", "Y_GE18"): 80,
            ("F", "_T"): 42, ("M", "_T"): 80, ("_U", "_T"): 9, ("_T", "_T"): 131}
    table = _frame(rows, ["sex", "age"])
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request(sensitive=True)}, CAT.codelists)
    published = out["40x-victims"].set_index(["sex", "age"])
    assert published.loc[published["conf_status"] == "C"].index.tolist() == [("F", "Y0T17"), ("F", "Y_GE18")]
    assert published.loc[("F", "_T"), "obs_value"] == 42 and published.loc[("_T", "_T"), "obs_value"] == 131
    audit = report["40x-victims"]["audit"]
    assert audit["passed"] and audit["no_hypercube"] == 0 and audit["reinforced"] == 0
    # the only published line through the girls is the women's: girls + women = 42, so girls lie in [0, 42]


def test_a_small_not_stated_total_of_a_filtered_table_is_protected_through_the_linked_table():
    """The Peruvians' table gives sex not stated = 2; the movements table gives men and women by
    nationality but not stated only in total. No hypercube of either table hides the 2 (the women
    of Peru are a line of the other table): the cheapest balancing move over both does, and no year
    is withheld whole."""
    movements = _request(id="40x-all", breakdowns=["nationality", "sex"], cross=[])
    returns = _request(id="40x-peru", breakdowns=["sex"], filters={"nationality": "PER"})
    cells = {("PER", "F"): 506, ("PER", "M"): 543, ("COL", "F"): 300, ("COL", "M"): 280, ("VEN", "F"): 700,
             ("VEN", "M"): 650}
    unknown = {"PER": 2, "COL": 20, "VEN": 18}
    both = dict(cells)
    for s in ("F", "M"):
        both[("_T", s)] = sum(v for (_, s2), v in cells.items() if s2 == s)
    both[("_T", "_U")] = sum(unknown.values())
    both[("_T", "_T")] = sum(cells.values()) + sum(unknown.values())
    peru = {(s,): v for (n, s), v in cells.items() if n == "PER"}
    peru[("_U",)] = unknown["PER"]
    peru[("_T",)] = sum(peru.values())
    out, report = protect_edition({"40x-all": _frame(both, ["nationality", "sex"]), "40x-peru": _frame(peru, ["sex"])},
                                  {"40x-all": movements, "40x-peru": returns}, CAT.codelists)
    a, p = out["40x-all"].set_index(["nationality", "sex"]), out["40x-peru"].set_index("sex")
    assert p.loc["_U", "conf_status"] == "C"
    lo, hi = _interval(out["40x-peru"], returns, sex="_U")  # the Peruvians' table alone: the filter's cells
    assert lo <= 0 and hi >= 2 + 5
    assert p.loc["_T", "obs_value"] == 1051 and a.loc[("_T", "_T"), "obs_value"] == both[("_T", "_T")]
    audit = report["40x-peru"]["audit"]
    assert audit["passed"] and audit["periods_withheld_whole"] == 0 and audit["reinforced"] == 0
    assert report["40x-peru"]["withheld_share"] < 0.5  # the year is not withheld whole
