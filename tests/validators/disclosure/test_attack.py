"""The reviewers' attacker (``attack``): what a reader of the published tables can say of each
withheld cell, hidden cube included (worked by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tests.validators.disclosure.test_protect import T_, cube, face
from validators.disclosure import attacker_intervals
from validators.disclosure.attack import attacker_interval

DIMS = ["sex", "age", "nationality"]
CODES = {"sex": ["F", "M"], "age": ["A", "B"], "nationality": ["P", "Q"]}
# 5 women, all of age B and nationality P; 5 men, all of age A and nationality Q
FULL = cube(DIMS, CODES, np.array([[[0, 0], [5, 0]], [[0, 5], [0, 0]]]))


def withhold_inner(table: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    inner = np.logical_and.reduce([table[d] != T_ for d in dims])
    return table.assign(obs_value=table["obs_value"].where(~inner), conf_status=np.where(inner, "C", "F"))


def test_the_hidden_cube_behind_three_faces_pins_a_cell_each_face_alone_leaves_open():
    # sex x age withholds its four inner cells; (F, A) alone could be 0 to 5, but no woman is of
    # nationality Q and nobody of age A is of nationality P: the hidden cube leaves (F, A) = 0
    sex_age = withhold_inner(face(FULL, DIMS, ["sex", "age"]), ["sex", "age"])
    tables = [(sex_age, ["sex", "age"]), (face(FULL, DIMS, ["sex", "nationality"]), ["sex", "nationality"]),
              (face(FULL, DIMS, ["age", "nationality"]), ["age", "nationality"])]
    women_children = sex_age.index[(sex_age.sex == "F") & (sex_age.age == "A")][0]
    assert attacker_interval(sex_age, ["sex", "age"], women_children) == (0.0, 5.0)
    found = attacker_intervals(tables)
    assert found[0].columns.tolist() == ["lo", "hi"] and len(found[1]) == len(found[2]) == 0
    assert found[0].loc[women_children, "lo"] == found[0].loc[women_children, "hi"] == 0.0
    assert found[1].columns.tolist() == ["lo", "hi"]  # nothing withheld: an empty frame, same columns


def test_a_published_row_is_its_own_interval_and_a_cell_whose_totals_are_all_withheld_is_unbounded():
    by_sex = pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v, "conf_status": c}
                           for s, v, c in (("F", np.nan, "C"), ("M", 40.0, "F"), ("_T", np.nan, "C"))])
    assert attacker_interval(by_sex, ["sex"], 1) == (40.0, 40.0)
    lo, hi = attacker_interval(by_sex, ["sex"], 0)
    assert lo == 0.0 and math.isinf(hi)
    assert math.isinf(attacker_intervals([(by_sex, ["sex"])])[0].loc[2, "hi"])
