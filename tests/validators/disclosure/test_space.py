"""The reviewers' cell space (``attack``): what it refuses, word for word, and what it reads from
a table without flags."""

from __future__ import annotations

import math

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


def by_sex(f: float, conf: str = "F") -> pd.DataFrame:
    """Women f (2 when withheld without a value), men 40, and their total."""
    women = 2.0 if math.isnan(f) else f
    return pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v, "conf_status": c}
                         for s, v, c in (("F", f, conf), ("M", 40.0, "F"), ("_T", 40.0 + women, "F"))])


def test_a_cell_one_table_withholds_takes_the_value_and_the_flag_of_both_tables():
    [space] = build_spaces([(by_sex(float("nan"), "C"), ["sex"]), (by_sex(2.0), ["sex"])], latent=False).values()
    assert space.value[0] == 2.0 and bool(space.source_c[0])
    [space] = build_spaces([(by_sex(2.0), ["sex"]), (by_sex(2.0, "C"), ["sex"])], latent=False).values()
    assert bool(space.source_c[0]) and not space.source_c[1:].any()


def test_two_tables_that_differ_by_one_in_a_large_cell_are_refused_word_for_word():
    big = lambda f: pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v}
                                  for s, v in (("F", f), ("_T", f))])
    with pytest.raises(ValueError, match=r"^period 2020: cell \{'sex': 'F'\} is 100000.0 in one table and "
                                         r"100001.0 in another$"):
        build_spaces([(big(100000.0), ["sex"]), (big(100001.0), ["sex"])])


def test_a_row_label_or_a_cell_given_twice_by_one_table_is_refused_word_for_word():
    twice = pd.concat([by_sex(2.0), by_sex(2.0).iloc[:1]])
    with pytest.raises(ValueError, match=r"^duplicate row label 0 in table 0$"):
        build_spaces([(twice, ["sex"])])
    with pytest.raises(ValueError, match=r"^period 2020: table 0 has the cell \{'sex': 'F'\} twice$"):
        build_spaces([(twice.reset_index(drop=True), ["sex"])])


def test_withheld_figures_may_be_anything_but_known_parts_above_their_total_are_refused():
    parts_above = pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v}
                                for s, v in (("F", float("nan")), ("M", 50.0), ("_T", 40.0))])
    with pytest.raises(ValueError, match=r"^period 2020: parts of \('_T',\) exceed it$"):
        build_spaces([(parts_above, ["sex"])])
    exactly = parts_above.assign(obs_value=[float("nan"), 40.0, 40.0])
    assert len(build_spaces([(exactly, ["sex"])])) == 1  # the withheld F is 0


def faces(periods: dict[str, list[str]]) -> list[tuple[pd.DataFrame, list[str]]]:
    """sex x age and sex x nationality (2 codes each, every margin), for the periods asked per face."""
    out = []
    for other, codes in (("age", ["A", "B"]), ("nationality", ["P", "Q"])):
        rows = [{"time_period": p, "sex": s, other: o, "obs_value": (2.0 if s != "_T" else 4.0) * (2 if o == "_T" else 1)}
                for p in periods[other] for s in ("F", "M", "_T") for o in (*codes, "_T")]
        out.append((pd.DataFrame(rows), ["sex", other]))
    return out


def test_the_hidden_cube_of_two_faces_sharing_a_dimension_has_every_cell_they_do_not_publish():
    [space] = build_spaces(faces({"age": ["2020"], "nationality": ["2020"]})).values()
    assert space.size == 27 and space.latent.sum() == 12  # 3 x 3 x 3, of which 15 published


def test_a_table_without_rows_in_a_period_leaves_the_hidden_cube_of_the_others_whole():
    two = faces({"age": ["2020", "2021"], "nationality": ["2020", "2021"]})
    only_2020 = (two[0][0][two[0][0]["time_period"] == "2020"], ["sex", "age"])
    spaces = build_spaces([only_2020, *two])
    assert spaces["2021"].latent.sum() == 12
    spaces = build_spaces([only_2020, *two], latent=False)
    assert len(spaces["2021"].lines) == len(spaces["2020"].lines)


def test_a_table_whose_parts_miss_their_total_by_one_is_refused_word_for_word():
    line = lambda f, m, t: pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v}
                                         for s, v in (("F", f), ("M", m), ("_T", t))])
    with pytest.raises(ValueError, match=r"^period 2020: \('_T',\) = 100001.0 but its parts add up to 100000.0$"):
        build_spaces([(line(50000.0, 50000.0, 100001.0), ["sex"])])
    with pytest.raises(ValueError, match=r"^period 2020: parts of \('_T',\) exceed it$"):
        build_spaces([(line(float("nan"), 41.0, 40.0), ["sex"])])


def test_every_line_is_checked_after_one_with_a_withheld_figure():
    rows = [("F", "A", float("nan")), ("F", "B", 2.0), ("F", "_T", 3.0), ("M", "A", 3.0), ("M", "B", 4.0),
            ("M", "_T", 9.0), ("_T", "A", 4.0), ("_T", "B", 6.0), ("_T", "_T", 12.0)]
    with pytest.raises(ValueError, match="but its parts add up to"):
        build_spaces([(table(rows), ["sex", "age"])])


def test_a_negative_count_is_refused_word_for_word():
    line = pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": v} for s, v in (("F", -1.0), ("M", 5.0),
                                                                                          ("_T", 4.0))])
    with pytest.raises(ValueError, match=r"^period 2020: negative values cannot be protected$"):
        build_spaces([(line, ["sex"])])
