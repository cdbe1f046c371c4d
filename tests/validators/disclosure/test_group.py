"""Protecting a group of tables, period by period: what is confidential (the threshold, group
disclosure up to 2T), and the audit that reinforces a pattern the hypercubes left open."""

from __future__ import annotations

import pandas as pd

from tests.validators.disclosure.cubes import sex_age_cube
from tests.validators.disclosure.test_edition import CAT, _interval, _request
from validators.disclosure import protect_edition


def protected(cells: dict[tuple[str, str], int], **request) -> tuple[pd.DataFrame, dict]:
    req = _request(**request)
    out, report = protect_edition({req.id: sex_age_cube(cells)}, {req.id: req}, CAT.codelists)
    return out[req.id].set_index(["sex", "age"]), report[req.id]


def test_a_table_too_small_for_any_hypercube_is_reinforced_by_the_audit_down_to_its_grand_total():
    # women only: 1 child, 2 adults; the age totals repeat them and the women's total is 3 = grand
    # total, so only withholding everything (the grand total too) leaves the 1 open to 0 and to 4
    out, report = protected({("F", "Y0T17"): 1, ("F", "Y_GE18"): 2})
    assert out["conf_status"].eq("C").all() and out["obs_value"].isna().all()
    audit = report["audit"]
    assert audit["no_hypercube"] == 4 and audit["reinforced"] > 0 and audit["failures_after_reinforcement"] == 0


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
