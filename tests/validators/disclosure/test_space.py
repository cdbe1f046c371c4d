"""The reviewers' cell space (``attack``): what it refuses, word for word, and what it reads from
a table without flags."""

from __future__ import annotations

import pandas as pd
import pytest

from validators.disclosure.space import build_spaces

ROWS = [("F", "A", 1.0), ("F", "B", 2.0), ("M", "A", 3.0), ("M", "B", 4.0), ("_T", "A", 4.0), ("_T", "B", 6.0),
        ("_T", "_T", 10.0), ("M", "_T", 7.0), ("F", "_T", 3.0)]


def table(rows=ROWS, **columns) -> pd.DataFrame:
    return pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": v, **columns} for s, a, v in rows])


def test_a_table_without_values_is_refused_naming_the_missing_columns():
    with pytest.raises(ValueError, match=r"^table lacks column\(s\) age, obs_value$"):
        build_spaces([(table().drop(columns=["age", "obs_value"]), ["sex", "age"])])


def test_a_dimension_listed_twice_is_refused():
    with pytest.raises(ValueError, match=r"^dimension listed twice in \['sex', 'sex'\]$"):
        build_spaces([(table(), ["sex", "sex"])])


def test_a_cube_without_a_total_is_refused_naming_the_line():
    with pytest.raises(ValueError, match=r"^cube is incomplete: no total for \('F',\) over dimension 1$"):
        build_spaces([(table(ROWS[:-1]), ["sex", "age"])])


def test_a_table_without_flags_is_read_as_all_published_and_a_flag_c_as_withheld_by_the_source():
    [space] = build_spaces([(table(), ["sex", "age"])]).values()
    assert not space.source_c.any()
    flagged = table(conf_status="F")
    flagged.loc[0, "conf_status"] = "C"
    [space] = build_spaces([(flagged, ["sex", "age"])]).values()
    assert space.source_c.tolist() == [True] + [False] * (len(ROWS) - 1)


def test_the_hidden_cube_behind_two_tables_is_added_unless_asked_not_to():
    by_sex = table([r for r in ROWS if r[1] == "_T"])
    by_age = table([r for r in ROWS if r[0] == "_T"])
    [space] = build_spaces([(by_sex, ["sex"]), (by_age, ["age"])]).values()
    assert space.latent.sum() == 4  # F,A F,B M,A M,B
    [space] = build_spaces([(by_sex, ["sex"]), (by_age, ["age"])], latent=False).values()
    assert not space.latent.any()
