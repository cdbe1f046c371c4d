"""Protecting a group of tables, period by period: what is confidential (the threshold, group
disclosure up to 2T), and the audit that reinforces a pattern the hypercubes left open."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.validators.disclosure.cubes import sex_age_cube
from tests.validators.disclosure.test_edition import CAT, _interval, _request
from validators.disclosure import protect_edition
from validators.disclosure.attack import attacker_interval


def protected(cells: dict[tuple[str, str], int], **request) -> tuple[pd.DataFrame, dict]:
    req = _request(**request)
    out, report = protect_edition({req.id: sex_age_cube(cells)}, {req.id: req}, CAT.codelists)
    return out[req.id].set_index(["sex", "age"]), report[req.id]


def test_a_table_too_small_for_any_hypercube_is_published_as_its_total_alone():
    # women only: 1 child, 2 adults; the 1 must be able to be 4, above the grand total of 3: the
    # edition leaves the breakdown out and publishes the 3 rather than withholding everything
    out, report = protected({("F", "Y0T17"): 1, ("F", "Y_GE18"): 2})
    assert out.index.tolist() == [("_T", "_T")] and out["obs_value"].tolist() == [3.0]
    assert report["periods_as_total_only"] == ["2020"] and report["grand_totals_withheld"] == []


def test_below_the_edition_the_audit_reinforces_a_pattern_down_to_the_grand_total():
    # the same table given to the group's protection directly (as a linked table the edition did
    # not reduce would be): no hypercube exists, and the audit withholds everything, the grand total too
    from validators.disclosure.edition import sub_tables
    from validators.disclosure.group import protect_group
    from validators.disclosure.linked import parts_of
    from validators.disclosure.rules import rule_for
    req = _request()
    table = sex_age_cube({("F", "Y0T17"): 1, ("F", "Y_GE18"): 2})
    parts = parts_of([(req.id, df, combo) for df, combo in sub_tables(table, req)], {req.id: req})
    out = protect_group(parts, {req.id: rule_for(None, False)}, set())
    assert {label for (_, label) in out.withheld} == set(table.index)
    assert out.unmet == 4 and out.escalated > 0 and out.failures == 0


def test_a_count_equal_to_the_threshold_is_published():
    out, report = protected({("F", "Y0T17"): 3, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    assert out["conf_status"].eq("F").all() and report["primary"] == 0


def test_in_a_sensitive_table_fewer_than_2t_persons_all_in_one_category_are_withheld_with_their_hypercube():
    # 9 adults, all men (T = 5, so 2T = 10): the 9 is withheld, moving against the children
    out, report = protected({("F", "Y0T17"): 20, ("F", "Y_GE18"): 0, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 9},
                            sensitive=True)
    inner = [("F", "Y0T17"), ("F", "Y_GE18"), ("M", "Y0T17"), ("M", "Y_GE18")]
    assert set(out.index[out["conf_status"] == "C"]) == set(inner)
    assert (report["primary"], report["secondary"]) == (1, 3)


def test_in_a_sensitive_table_2t_persons_all_in_one_category_are_published():
    out, report = protected({("F", "Y0T17"): 20, ("F", "Y_GE18"): 0, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 10},
                            sensitive=True)
    assert out["conf_status"].eq("F").all() and report["audit"]["confidential_cells_audited"] == 0


def test_group_disclosure_is_found_when_the_lone_category_is_the_tables_first_row_or_its_total_is():
    # the men's children line: 7 boys, 0 girls. First row: the boys (a part), then the line's total
    rows = [("M", "Y0T17", 7), ("_T", "Y0T17", 7), ("F", "Y0T17", 0), ("F", "Y_GE18", 30), ("M", "Y_GE18", 40),
            ("F", "_T", 30), ("M", "_T", 47), ("_T", "Y_GE18", 70), ("_T", "_T", 77)]
    table = pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "unit_measure": "PS",
                           "obs_status": "A", "conf_status": "F"} for s, a, v in rows])
    req = _request(sensitive=True)
    for first in (table, table.iloc[[1, 0, *range(2, len(rows))]].reset_index(drop=True)):
        out, _ = protect_edition({req.id: first}, {req.id: req}, CAT.codelists)
        published = out[req.id]
        boys = published.index[(published.sex == "M") & (published.age == "Y0T17")][0]
        assert published.loc[boys, "conf_status"] == "C"
        lo, _ = _interval(published, req, sex="M", age="Y0T17")
        assert lo <= 7 - 1


def protected_3x3(interior: list[list[int]]) -> pd.DataFrame:
    from tests.validators.disclosure.test_protect import cube, protect
    from validators.disclosure.rules import rule_for

    df = cube(["sex", "age"], {"sex": ["F", "M", "X"], "age": ["A", "B", "C"]}, np.array(interior))
    out = protect(df, ["sex", "age"], rule_for(None, False)).table
    for label in out.index[(df["obs_value"] >= 1) & (df["obs_value"] < 3)]:  # the promise still holds
        lo, hi = attacker_interval(out, ["sex", "age"], label)
        assert lo <= max(0.0, df.loc[label, "obs_value"] - 3) + 1e-6 and hi >= df.loc[label, "obs_value"] + 3 - 1e-6
    return out.set_index(["sex", "age"])


def test_a_complementary_cell_the_rest_of_the_pattern_makes_needless_is_published_again():
    # F,B = 1 and X,A, X,B = 2: the hypercubes take M,A = 15 too, which the others already cover
    out = protected_3x3([[6, 1, 9], [15, 30, 15], [2, 2, 9]])
    assert out.loc[("M", "A"), "obs_value"] == 15 and out.loc[("M", "A"), "conf_status"] == "F"
    assert set(out.index[out["conf_status"] == "C"]) == {("F", "A"), ("F", "B"), ("F", "C"), ("M", "B"), ("M", "C"),
                                                         ("X", "A"), ("X", "B"), ("X", "C")}


def test_a_complementary_cell_alone_withheld_on_a_line_is_published_as_it_hides_nothing():
    # once the others are placed, the children's total (_T, A) = 7 is the only figure withheld on the
    # line _T = A + B + C whose other cells are published: anyone subtracts it, so it is published
    out = protected_3x3([[1, 15, 4], [0, 2, 9], [6, 2, 2]])
    assert out.loc[("_T", "A"), "obs_value"] == 7 and out.loc[("_T", "A"), "conf_status"] == "F"
    assert set(out.index[out["conf_status"] == "C"]) == {("F", "A"), ("F", "B"), ("F", "C"), ("M", "B"), ("M", "C"),
                                                         ("X", "A"), ("X", "B"), ("X", "C")}
