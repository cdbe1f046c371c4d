"""The floor under the share withheld: a bound reviewers can redo by hand, never above what a
protected pattern withholds."""

from __future__ import annotations

import pandas as pd

from tests.catalogue import real_catalogue
from tests.validators.disclosure.cubes import sex_age_cube
from validators.disclosure import protect_edition
from validators.disclosure.floor import withheld_share_floor
from validators.disclosure.rules import DisclosureRule

CAT = real_catalogue()


def test_one_small_cell_costs_at_least_its_cheapest_line_partner():
    table = sex_age_cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    # along age, the line F: 2 + 40 = 42 needs the 40 (or the 42); along sex, 2 + 30 needs the 30
    assert withheld_share_floor(table, ["sex", "age"], DisclosureRule(threshold=5)) == round((2 + 40) / 488, 4)
    request = CAT.requests["40f-covid-deaths"].model_copy(update={
        "breakdowns": ["sex", {"age": "age_child_adult"}], "cross": [], "threshold": 5, "unavailable": {}})
    _, report = protect_edition({request.id: table}, {request.id: request}, CAT.codelists)
    assert report[request.id]["withheld_share_floor"] == round(42 / 488, 4)
    assert report[request.id]["withheld_share"] >= report[request.id]["withheld_share_floor"]


def test_small_cells_that_can_balance_each_other_add_nothing_but_themselves():
    table = sex_age_cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 2, ("F", "Y_U"): 2, ("M", "Y0T17"): 30,
                    ("M", "Y_GE18"): 30, ("M", "Y_U"): 30})
    rule = DisclosureRule(threshold=3)
    # along age the F line's three 2s can fall by 4 for any of them to rise by 3; along sex each
    # column needs its 30
    assert withheld_share_floor(table, ["sex", "age"], rule) == round((6 + 90) / (6 * 4 + 90 * 4), 4)


def by_age(values: list[int], total: bool = True) -> pd.DataFrame:
    """A one-breakdown table: one line, the ages' counts and (unless ``total`` is False) their total."""
    rows = [(f"A{k}", v) for k, v in enumerate(values)] + ([("_T", sum(values))] if total else [])
    return pd.DataFrame([{"time_period": "2020", "age": a, "obs_value": float(v), "conf_status": "F"}
                         for a, v in rows])


def test_a_small_cell_among_many_large_ones_still_needs_its_cheapest_partner():
    # the large cells of the line cannot fall: 2 must be balanced by the 40 (total 92, count 184)
    assert withheld_share_floor(by_age([2, 40, 50]), ["age"], DisclosureRule(threshold=3)) == round(42 / 184, 4)


def test_a_published_zero_cannot_balance_a_small_cell():
    assert withheld_share_floor(by_age([2, 0, 40]), ["age"], DisclosureRule(threshold=3)) == round(42 / 84, 4)


def test_small_cells_that_can_fall_exactly_as_far_as_the_promise_need_no_partner():
    # 1 + 2 + 2: any one rises by 3 while the other two fall by 3
    assert withheld_share_floor(by_age([1, 2, 2, 30]), ["age"], DisclosureRule(threshold=3)) == round(5 / 70, 4)


def test_a_line_without_its_total_costs_nothing_beyond_its_small_cells():
    # no equation holds the 2 and the 40 together: publishing the 40 says nothing of the 2
    assert withheld_share_floor(by_age([2, 40], total=False), ["age"], DisclosureRule(threshold=3)) == round(2 / 42, 4)
