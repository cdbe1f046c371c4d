"""The relations an attacker links across published tables: which cells are the same cell, and
which lines (total = parts, total >= parts) hold between them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.validators.disclosure.test_edition import _request
from validators.disclosure.linked import Linked, Part, build_linked, filter_coords, parts_of


def by_sex(values: dict[str, float], period: str = "2020", conf: dict[str, str] | None = None) -> pd.DataFrame:
    return pd.DataFrame([{"time_period": period, "sex": s, "obs_value": v, "conf_status": (conf or {}).get(s, "F")}
                         for s, v in values.items()])


def lines_of(df: pd.DataFrame, dims: list[str]) -> list[tuple[tuple, tuple, str]]:
    """Each line as (total's codes, parts' codes, kind)."""
    [linked] = build_linked([Part("t", df, dims)]).values()
    codes = {i: tuple(c for _, _, c in key) or ("_T",) for i, key in enumerate(linked.keys)}
    return [(codes[t], tuple(codes[int(p)] for p in parts), kind) for t, parts, kind in linked.lines()]


def test_a_line_whose_total_is_the_first_row_of_the_table_is_known_to_the_attacker():
    assert lines_of(by_sex({"_T": 12.0, "F": 1.0, "M": 11.0}), ["sex"]) == [(("_T",), (("F",), ("M",)), "eq")]


def test_a_total_above_its_parts_is_a_slack_line_and_one_below_them_is_no_line():
    assert lines_of(by_sex({"F": 1.0, "M": 11.0, "_T": 13.0}), ["sex"])[0][2] == "slack"
    assert lines_of(by_sex({"F": 1.0, "M": 11.0, "_T": 12.5}), ["sex"])[0][2] == "slack"
    assert lines_of(by_sex({"F": 1.0, "M": 11.0, "_T": 11.0}), ["sex"]) == []


def test_a_line_with_a_figure_the_source_withheld_is_assumed_to_add_up():
    conf = {"F": "C"}
    assert lines_of(by_sex({"F": np.nan, "M": 11.0, "_T": 12.0}, conf=conf), ["sex"])[0][2] == "eq"
    assert lines_of(by_sex({"F": 1.0, "M": 11.0, "_T": np.nan}, conf={"_T": "C"}), ["sex"])[0][2] == "eq"


def test_every_line_with_a_total_is_kept_when_an_earlier_line_lacks_its_total():
    # sex x age without the women's total: the men's line along age still holds
    rows = [("F", "A", 1), ("F", "B", 9), ("M", "A", 2), ("M", "B", 8), ("M", "_T", 10), ("_T", "A", 3),
            ("_T", "B", 17), ("_T", "_T", 20)]
    df = pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "conf_status": "F"}
                       for s, a, v in rows])
    found = {(total, parts) for total, parts, _ in lines_of(df, ["sex", "age"])}
    # (codes in the order of the dimensions' names: age, then sex)
    assert found == {(("M",), (("A", "M"), ("B", "M"))), (("A",), (("A", "F"), ("A", "M"))),
                     (("B",), (("B", "F"), ("B", "M"))), (("_T",), (("A",), ("B",))), (("_T",), (("M",),))}


def test_a_line_published_by_two_crossings_is_one_relation():
    df = by_sex({"F": 1.0, "M": 11.0, "_T": 12.0})
    [linked] = build_linked([Part("a", df, ["sex"]), Part("b", df.copy(), ["sex"])]).values()
    assert len(linked.lines()) == 1 and len(linked.blocks) == 2


def test_two_tables_giving_a_cell_different_values_are_refused_naming_the_period():
    with pytest.raises(ValueError, match=r"^two tables give different values for the same cell in 2020-01$"):
        build_linked([Part("a", by_sex({"F": 1.0, "_T": 1.0}, "2020-01"), ["sex"]),
                      Part("b", by_sex({"F": 2.0, "_T": 2.0}, "2020-01"), ["sex"])])
    linked = Linked("2020")
    assert linked.cell((), np.nan, True) == linked.cell((), np.nan, True) == 0  # both withheld: the same
    with pytest.raises(ValueError):
        linked.cell((), 4.0, False)  # withheld in one table, published in another


def test_monthly_periods_are_kept_as_published():
    assert list(build_linked([Part("a", by_sex({"F": 1.0, "_T": 1.0}, "2020-01"), ["sex"])])) == ["2020-01"]


def test_a_filter_is_a_code_of_its_dimension_whatever_the_codelist_and_a_list_of_codes_is_their_sum():
    one = _request(filters={"nationality": "PER"})
    assert filter_coords(one, {"nationality": "iso3"}) == (("nationality", "nationality", "PER"),)
    assert filter_coords(one, {}) == (("nationality", "nationality", "PER"),)
    several = _request(filters={"nationality": ["PER", "COL"]})
    assert filter_coords(several, {"nationality": "iso3"}) == (("nationality", "nationality", "COL+PER"),)


def test_each_part_carries_its_tables_filters_and_codelists():
    req = _request(filters={"nationality": "PER"})
    [part] = parts_of([(req.id, by_sex({"F": 1.0, "_T": 1.0}), ["sex"])], {req.id: req})
    assert part.codelists == dict(req.delivered_dimensions()) and part.fixed == filter_coords(req, part.codelists)
