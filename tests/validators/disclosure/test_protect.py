"""Disclosure control: primary and secondary suppression, checked by an independent LP attacker.

The attacker here is written separately from validators.disclosure (its own equations, read off the
published frames; its own HiGHS LP) so that it checks the package rather than repeats it. It knows
every published value of the tables protected together, every additivity equation between them
(and, for tables cut from one source, that a non-negative full cross-classification exists
behind them), and that no count is negative. For every withheld confidential cell it computes the
interval [lo, hi] of values it cannot rule out. The promise (module docstring of
validators.disclosure.protect):

    confidential cell of true value v:       lo <= max(0, v - L)  and  hi >= v + U
    source-withheld cell of unknown value:   hi - lo >= U
"""

from __future__ import annotations

import itertools
import math

import highspy
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from validators.disclosure import attacker_intervals
from validators.disclosure.attack import attacker_interval
from validators.disclosure.group import apply, counts, protect_group
from validators.disclosure.linked import Part
from validators.disclosure.rules import THRESHOLD_FLOOR, DisclosureRule, rule_for
from validators.spec.model import TOTAL as T_

TOL = 1e-6
BUDGET = None


class Protected:
    def __init__(self, table, summary):
        self.table, self.summary = table, summary


def protect_many(tables, rule, **_):
    """Each (frame, dims) a table of one source, protected together by the package's own functions."""
    parts = [Part(f"t{k}", df, list(dims)) for k, (df, dims) in enumerate(tables)]
    out = protect_group(parts, {p.rid: rule for p in parts}, set())
    return [Protected(apply(df, p.rid, out), counts(df, p.rid, out)) for p, (df, _) in zip(parts, tables)]


def protect(df, dims, rule, **_):
    return protect_many([(df, dims)], rule)[0]
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ------------------------------------------------------------------ building tables
def cube(dims: list[str], codes: dict[str, list[str]], interior: np.ndarray,
         period: str = "2024") -> pd.DataFrame:
    """An SDMX cube: every combination of codes and _T, each total the sum of its parts."""
    axes = [codes[d] + [T_] for d in dims]
    rows = []
    for idx in itertools.product(*[range(len(a)) for a in axes]):
        sl = tuple(slice(None) if i == len(codes[d]) else i for i, d in zip(idx, dims))
        row = {"time_period": period, **{d: axes[j][i] for j, (d, i) in enumerate(zip(dims, idx))},
               "obs_value": float(np.sum(interior[sl])), "obs_status": "A", "conf_status": "F"}
        rows.append(row)
    return pd.DataFrame(rows)


def face(full: pd.DataFrame, all_dims: list[str], keep: list[str]) -> pd.DataFrame:
    """The table of a cube broken down by `keep` only (the other dimensions at _T)."""
    drop = [d for d in all_dims if d not in keep]
    mask = np.logical_and.reduce([full[d] == T_ for d in drop]) if drop else np.ones(len(full), bool)
    return full[mask].drop(columns=drop).reset_index(drop=True)


# ------------------------------------------------------------------ the independent attacker
def attack(tables: list[tuple[pd.DataFrame, list[str]]], hidden_cube: bool = False):
    """{(table number, row label): (lo, hi)} for every withheld confidential (C) row."""
    union = list(dict.fromkeys(d for _, dims in tables for d in dims))
    out = {}
    periods = sorted({str(p) for df, _ in tables for p in df["time_period"]})
    for period in periods:
        var: dict[tuple, int] = {}
        known: dict[int, float] = {}
        where: dict[tuple, list] = {}
        codes = {d: set() for d in union}
        for t, (df, dims) in enumerate(tables):
            for label, row in df[df["time_period"].astype(str) == period].iterrows():
                key = tuple(str(row[d]) if d in dims else T_ for d in union)
                i = var.setdefault(key, len(var))
                for d in dims:
                    if row[d] != T_:
                        codes[d].add(str(row[d]))
                if not math.isnan(row["obs_value"]):
                    known[i] = float(row["obs_value"])
                where.setdefault(key, []).append((t, label))
        if hidden_cube:
            for key in itertools.product(*[sorted(codes[d]) + [T_] for d in union]):
                var.setdefault(key, len(var))
        equations = []
        for key, i in var.items():
            for j, d in enumerate(union):
                if key[j] != T_ or not codes[d]:
                    continue
                parts = [key[:j] + (c,) + key[j + 1:] for c in sorted(codes[d])]
                if all(p in var for p in parts):
                    equations.append((i, [var[p] for p in parts]))
        wanted = [(key, i) for key, i in var.items()
                  if i not in known and key in where
                  and any(tables[t][0].loc[label, "conf_status"] == "C" for t, label in where[key])]
        solve = _lp(len(var), equations, known)
        for key, i in wanted:
            ends = (solve(i, 1.0), -solve(i, -1.0))
            for place in where[key]:
                out[place] = ends
    return out


def _lp(n: int, equations, known: dict[int, float]):
    """min sign * y_i over the attacker's polytope (one warm HiGHS model); -inf if unbounded."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    lower = [known.get(i, 0.0) for i in range(n)]
    upper = [known.get(i, inf) for i in range(n)]
    h.addVars(n, np.array(lower), np.array(upper))
    for total, parts in equations:
        idx = np.array([total, *parts], dtype=np.int32)
        h.addRow(0.0, 0.0, len(idx), idx, np.array([1.0] + [-1.0] * len(parts)))

    def solve(i: int, sign: float) -> float:
        h.changeColCost(i, sign)
        h.run()
        status = h.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
            h.clearSolver()  # the warm start went astray: from scratch
            h.run()
            status = h.getModelStatus()
        value = h.getInfo().objective_function_value
        h.changeColCost(i, 0.0)
        if status == highspy.HighsModelStatus.kUnbounded:
            return -math.inf
        assert status == highspy.HighsModelStatus.kOptimal, h.modelStatusToString(status)
        return value

    return solve


def assert_protected(truth: list[pd.DataFrame], published: list[pd.DataFrame],
                     dims: list[list[str]], levels, hidden_cube: bool = False) -> None:
    """The attacker never narrows a withheld cell below its promised interval.

    `levels(t, label)` gives (L, U) for a confidential cell, None for a secondary one.
    """
    intervals = attack(list(zip(published, dims)), hidden_cube)
    for (t, label), (lo, hi) in intervals.items():
        status = published[t].loc[label, "conf_status"]
        assert status == "C", (label, status)  # contract v2: one flag for every withheld cell
        lev = levels(t, label)
        if lev is None:  # a complementary cell: no promise of its own
            continue
        v = truth[t].loc[label, "obs_value"]
        if math.isnan(v):  # withheld by the source, value unknown to us: a width
            assert hi - lo >= lev[1] - TOL, (label, lo, hi)
            continue
        assert lo <= max(0.0, v - lev[0]) + TOL, (label, v, lo, hi)
        assert hi >= v + lev[1] - TOL, (label, v, lo, hi)


def assert_published_true(truth: pd.DataFrame, published: pd.DataFrame) -> None:
    shown = published["obs_value"].notna()
    assert (published.loc[shown, "conf_status"] == "F").all()
    assert np.allclose(published.loc[shown, "obs_value"], truth.loc[shown, "obs_value"])
    assert published.loc[~shown, "conf_status"].eq("C").all()
    for col in truth.columns:
        if col not in ("obs_value", "conf_status"):
            assert published[col].astype(str).tolist() == truth[col].astype(str).tolist()


def assert_totals_safe(published: pd.DataFrame, dims: list[str]) -> None:
    """A published total never sits over exactly one withheld part (plain subtraction)."""
    cells = {}
    for period, *codes, value in published[["time_period", *dims, "obs_value"]].itertuples(index=False):
        cells[(str(period), *codes)] = value
    for key, value in cells.items():
        for j in range(1, len(key)):
            if key[j] != T_ or math.isnan(value):
                continue
            parts = [v for k, v in cells.items()
                     if k[j] != T_ and k[:j] == key[:j] and k[j + 1:] == key[j + 1:]]
            assert sum(math.isnan(v) for v in parts) != 1, key


# ------------------------------------------------------------------ strategies
small_counts = st.one_of(st.integers(0, 3), st.integers(0, 3), st.integers(0, 20))


@st.composite
def random_cubes(draw):
    k = draw(st.integers(1, 3))
    dims = ["sex", "age", "nationality"][:k]
    sizes = [draw(st.integers(2, 4 if k < 3 else 3)) for _ in dims]
    codes = {d: [f"{d[0].upper()}{i}" for i in range(s)] for d, s in zip(dims, sizes)}
    frames = []
    for period in draw(st.sampled_from([["2024"], ["2023", "2024"]])):
        values = draw(st.lists(small_counts, min_size=int(np.prod(sizes)),
                               max_size=int(np.prod(sizes))))
        frames.append(cube(dims, codes, np.array(values).reshape(sizes), period))
    truth = pd.concat(frames, ignore_index=True)
    # a few cells the source already withheld, with or without their value
    source = draw(st.lists(st.integers(0, len(truth) - 1), max_size=2, unique=True))
    given_df = truth.copy()
    for i in source:
        given_df.loc[i, "conf_status"] = "C"
        if draw(st.booleans()):
            given_df.loc[i, "obs_value"] = np.nan
    return dims, truth, given_df


@st.composite
def threshold_rules(draw):
    t = draw(st.sampled_from([3, 4, 5]))
    lower = draw(st.sampled_from([None, 1.0, 2.0]))
    upper = draw(st.sampled_from([None, 2.0]))
    return DisclosureRule(threshold=t, protection_lower=lower,
                          protection_upper=upper, zeros_disclose=draw(st.booleans()))


# ------------------------------------------------------------------ properties
def stalling_case(values: list[list[int]], source: list[tuple[int, bool]]):
    """A two-period 2x3x2 case of ``random_cubes`` (``source``: rows withheld, value blanked?)."""
    dims = ["sex", "age", "nationality"]
    codes = {"sex": ["S0", "S1"], "age": ["A0", "A1", "A2"], "nationality": ["N0", "N1"]}
    truth = pd.concat([cube(dims, codes, np.array(v).reshape(2, 3, 2), period)
                       for period, v in zip(["2023", "2024"], values)], ignore_index=True)
    given_df = truth.copy()
    for i, blank in source:
        given_df.loc[i, "conf_status"] = "C"
        if blank:
            given_df.loc[i, "obs_value"] = np.nan
    return dims, truth, given_df


@SETTINGS
@given(random_cubes(), threshold_rules())
# HiGHS's primal simplex stalled (status Unknown) on an attacker LP of these two: see lp._solve_dual
@example(stalling_case([[2, 12, 1, 18, 3, 2, 3, 0, 2, 18, 3, 2], [12, 1, 16, 2, 9, 0, 0, 2, 0, 3, 0, 2]], []),
         DisclosureRule(threshold=3, protection_upper=2.0, zeros_disclose=True))
@example(stalling_case([[1, 15, 1, 3, 2, 3, 2, 0, 1, 7, 2, 3], [12, 2, 2, 18, 2, 1, 8, 4, 3, 0, 0, 7]],
                       [(69, False), (55, True)]),
         DisclosureRule(threshold=3, zeros_disclose=True))
def test_threshold_rule_properties(case, rule):
    dims, truth, given_df = case
    result = protect(given_df, dims, rule, time_limit=BUDGET)
    out = result.table
    v, shown = truth["obs_value"], out["obs_value"].notna()
    # 1. no published count in [1, T) (nor a zero when zeros disclose)
    assert not ((out.loc[shown, "obs_value"] >= 1) & (out.loc[shown, "obs_value"] < rule.threshold)).any()
    if rule.zeros_disclose:
        assert not (out.loc[shown, "obs_value"] == 0).any()
    else:  # zeros are never confidential of their own (one flag: the count of primaries says it)
        given_c = given_df["conf_status"] == "C"
        assert result.summary["primary"] == int((((v >= 1) & (v < rule.threshold)) | given_c).sum())
    # 2. published cells equal their true values; flags not blanks
    assert_published_true(truth, out)
    source_c = given_df["conf_status"] == "C"
    assert (out.loc[source_c, "conf_status"] == "C").all() and out.loc[source_c, "obs_value"].isna().all()
    small = (v >= 1) & (v < rule.threshold) | ((v == 0) & rule.zeros_disclose)
    assert (out.loc[small & ~source_c, "conf_status"] == "C").all()
    assert (out.loc[small | source_c, "conf_status"] == "C").all()
    # 3. the attacker never narrows a confidential cell below its promised interval
    given_unknown = given_df["obs_value"].isna()
    truth_seen = truth.assign(obs_value=truth["obs_value"].where(~given_unknown))  # what we knew
    confidential = small | source_c
    assert_protected([truth_seen], [out], [dims],
                     lambda t, label: (rule.lower, rule.upper) if confidential[label] else None)
    # 4. totals are published only when they cannot reveal a withheld cell
    assert_totals_safe(out, dims)


@st.composite
def source_tables(draw):
    sizes = {"sex": 2, "age": draw(st.integers(2, 3)), "nationality": draw(st.integers(2, 3))}
    dims = list(sizes)
    codes = {d: [f"{d[0].upper()}{i}" for i in range(s)] for d, s in sizes.items()}
    values = draw(st.lists(small_counts, min_size=int(np.prod(list(sizes.values()))),
                           max_size=int(np.prod(list(sizes.values())))))
    full = cube(dims, codes, np.array(values).reshape(list(sizes.values())))
    faces = draw(st.sampled_from([[["sex", "age"], ["sex", "nationality"]],
                                  [["sex", "age"], ["sex", "nationality"], ["age", "nationality"]],
                                  [["sex", "age", "nationality"], ["sex", "age"]]]))
    return [(face(full, dims, keep), keep) for keep in faces]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source_tables())
def test_tables_from_one_source_are_protected_jointly(tables):
    rule = rule_for(None, sensitive=False)
    results = protect_many(tables, rule, time_limit=BUDGET)
    outs = [r.table for r in results]
    union = ["sex", "age", "nationality"]
    status: dict[tuple, str] = {}
    for (df, dims), out in zip(tables, outs):
        assert_published_true(df, out)
        assert_totals_safe(out, dims)
        shown = out["obs_value"].notna()
        assert not ((out.loc[shown, "obs_value"] >= 1) & (out.loc[shown, "obs_value"] < 3)).any()
        for label, row in out.iterrows():
            key = tuple(row[d] if d in dims else T_ for d in union)
            flag = "shown" if shown[label] else "withheld"
            assert status.setdefault(key, flag) == flag, key  # same cell, same fate everywhere
    assert_protected([df for df, _ in tables], outs, [dims for _, dims in tables],
                     lambda t, label: (3.0, 3.0) if 1 <= tables[t][0].loc[label, "obs_value"] < 3 else None,
                     hidden_cube=True)


# ------------------------------------------------------------------ worked examples
def two_by_two(a: int = 1) -> pd.DataFrame:
    return cube(["sex", "age"], {"sex": ["F", "M"], "age": ["Y0T17", "Y18T99"]},
                np.array([[a, 10], [8, 12]]))


def test_lone_small_cell_would_be_recovered_by_subtraction_so_a_complement_is_withheld():
    df = two_by_two()
    naive = df.copy()
    naive.loc[0, ["obs_value", "conf_status"]] = [np.nan, "C"]  # withhold F x Y0T17 only
    assert attacker_interval(naive, ["sex", "age"], 0) == pytest.approx((1.0, 1.0))

    out = protect(df, ["sex", "age"], rule_for(None, sensitive=False))
    t = out.table.set_index(["sex", "age"])
    assert t.loc[("F", "Y0T17"), "conf_status"] == "C"
    # the only protecting pattern here: the 2x2 hypercube; every margin stays published
    assert t.loc[[("F", "Y18T99"), ("M", "Y0T17"), ("M", "Y18T99")], "conf_status"].eq("C").all()
    assert t["obs_value"].notna().sum() == 5
    assert (out.summary["primary"], out.summary["secondary"]) == (1, 3)
    lo, hi = attacker_interval(out.table, ["sex", "age"], 0)
    assert lo <= 0 + TOL and hi >= 1 + 3 - TOL  # cannot tell 1 from 0, nor from 4
    assert attack([(out.table, ["sex", "age"])])[(0, 0)] == pytest.approx((lo, hi))
    assert out.summary["withheld_share"] == pytest.approx(31 / 124)  # of the count of every cell, totals included


def test_complements_are_chosen_at_least_cost():
    # F row: 1 and 30; M row: 8, 9 and a third column: the cheap complement is (M, Y0T17)...
    df = cube(["sex", "age"], {"sex": ["F", "M", "X"], "age": ["A", "B", "C"]},
              np.array([[1, 30, 40], [8, 9, 50], [20, 25, 30]]))
    out = protect(df, ["sex", "age"], rule_for(None, False)).table.set_index(["sex", "age"])
    withheld = set(out.index[out["obs_value"].isna()])
    # cheapest cycle through (F, A): (F, B) 30, (M, A) 8, (M, B) 9 -> cost 47 (+3 cells)
    assert withheld == {("F", "A"), ("F", "B"), ("M", "A"), ("M", "B")}


def test_threshold_floor_cannot_be_lowered():
    assert THRESHOLD_FLOOR == 3
    with pytest.raises(ValueError):
        DisclosureRule(threshold=2)
    assert rule_for(1, sensitive=False).threshold == THRESHOLD_FLOOR
    assert rule_for(2, sensitive=True).threshold == THRESHOLD_FLOOR
    assert rule_for(None, sensitive=False).threshold == 3
    assert rule_for(None, sensitive=True).threshold == 5  # stricter default
    assert rule_for(7, sensitive=False).threshold == 7


def test_zeros_stay_published_by_default():
    df = cube(["sex"], {"sex": ["F", "M", "X"]}, np.array([0, 7, 9]))
    out = protect(df, ["sex"], rule_for(None, False)).table
    assert out["obs_value"].tolist() == [0, 7, 9, 16] and (out["conf_status"] == "F").all()
    out = protect(df, ["sex"], rule_for(None, False, zeros_disclose=True)).table
    assert out.loc[0, "conf_status"] == "C" and math.isnan(out.loc[0, "obs_value"])


def test_source_withheld_cells_stay_withheld_and_a_broken_suppression_is_repaired():
    df = cube(["sex"], {"sex": ["F", "M", "X"]}, np.array([8, 10, 12]))
    df.loc[0, ["obs_value", "conf_status"]] = [np.nan, "C"]  # source withheld F, published the rest
    assert attacker_interval(df, ["sex"], 0) == pytest.approx((8.0, 8.0))  # broken
    out = protect(df, ["sex"], rule_for(None, False))
    assert out.table.loc[0, "conf_status"] == "C" and math.isnan(out.table.loc[0, "obs_value"])
    assert out.summary["source_withheld"] == 1 and out.summary["secondary"] == 1
    lo, hi = attacker_interval(out.table, ["sex"], 0)
    assert hi - lo >= 3 - TOL


def test_source_flag_with_a_value_is_blanked_and_protected():
    df = two_by_two(a=6)
    df.loc[0, "conf_status"] = "C"
    out = protect(df, ["sex", "age"], rule_for(None, False)).table
    assert out.loc[0, "conf_status"] == "C" and math.isnan(out.loc[0, "obs_value"])
    lo, hi = attacker_interval(out, ["sex", "age"], 0)
    assert lo <= 3 + TOL and hi >= 9 - TOL


def test_periods_are_independent_tables():
    a = two_by_two(a=1)
    b = two_by_two(a=5).assign(time_period="2025")
    out = protect(pd.concat([a, b], ignore_index=True), ["sex", "age"], rule_for(None, False))
    assert out.table.loc[out.table.time_period == "2025", "obs_value"].notna().all()
    assert out.table.loc[out.table.time_period == "2024", "obs_value"].isna().sum() == 4


def test_a_cell_withheld_in_one_table_is_withheld_in_every_table_publishing_it():
    full = cube(["sex", "age"], {"sex": ["F", "M"], "age": ["A", "B"]}, np.array([[1, 1], [9, 9]]))
    by_sex = face(full, ["sex", "age"], ["sex"])  # F total is 2: withheld there...
    results = protect_many([(full, ["sex", "age"]), (by_sex, ["sex"])], rule_for(None, False))
    both = results[0].table.set_index(["sex", "age"])
    alone = results[1].table.set_index("sex")
    assert math.isnan(both.loc[("F", T_), "obs_value"]) and math.isnan(alone.loc["F", "obs_value"])
    assert alone.loc["F", "conf_status"] == both.loc[("F", T_), "conf_status"] == "C"
    # ...so M or the total goes too, or F = total - M
    assert math.isnan(alone.loc["M", "obs_value"]) or math.isnan(alone.loc[T_, "obs_value"])


def test_summary_counts_primaries_and_complements_and_the_rule_says_its_parameters():
    out = protect(two_by_two(), ["sex", "age"], rule_for(None, sensitive=True))
    assert out.summary["cells"] == 9 and out.summary["primary"] == 1 and out.summary["secondary"] == 3
    m = rule_for(None, sensitive=True).manifest()
    assert m["rule"] == "threshold" and m["threshold"] == 5 and "threshold" in m["description"]


def test_a_table_without_breakdowns():
    df = pd.DataFrame({"time_period": ["2024", "2025"], "obs_value": [2.0, 40.0],
                       "obs_status": "A", "conf_status": "F"})
    out = protect(df, [], rule_for(None, False)).table
    assert math.isnan(out.loc[0, "obs_value"]) and out.loc[1, "obs_value"] == 40


def test_a_total_above_its_listed_parts_is_used_by_the_attacker_as_an_inequality():
    # the publisher's total (21 + 1) counts a category it does not list: total >= parts, not =
    df = two_by_two()
    df.loc[(df["sex"] == T_) & (df["age"] == T_), "obs_value"] += 1
    out = protect(df, ["sex", "age"], rule_for(None, False)).table
    assert math.isnan(out.loc[0, "obs_value"])
    shown = out["obs_value"].notna()
    assert (out.loc[shown, "obs_value"] == df.loc[shown, "obs_value"]).all()


def test_public_attacker_matches_the_independent_one():
    df = cube(["sex", "age"], {"sex": ["F", "M", "X"], "age": ["A", "B", "C"]},
              np.array([[1, 2, 40], [0, 9, 50], [20, 2, 30]]))
    out = protect(df, ["sex", "age"], rule_for(None, False)).table
    mine = attacker_intervals([(out, ["sex", "age"])])[0]
    theirs = attack([(out, ["sex", "age"])])  # confidential cells only
    assert set(mine.index) == set(out.index[out["obs_value"].isna()])
    assert len(theirs) == (out["conf_status"] == "C").sum() > 0
    for (_, label), ends in theirs.items():
        assert tuple(mine.loc[label]) == pytest.approx(ends)


# ------------------------------------------------------------------ a request with several crossings
@st.composite
def crossed_request_tables(draw):
    """One table published as several crossings (`cross:`) over several periods, as the flow builds it."""
    sizes = {"sex": 2, "age": draw(st.integers(2, 3)), "nationality": draw(st.integers(2, 4))}
    dims = list(sizes)
    codes = {d: [f"{d[0].upper()}{i}" for i in range(s)] for d, s in sizes.items()}
    crossings = draw(st.sampled_from([[["sex", "nationality"], ["age"]], [["sex", "age"], ["nationality"]],
                                      [["sex", "age"], ["sex", "nationality"]]]))
    frames = []
    for period in draw(st.sampled_from([["2023", "2024"], ["2022", "2023", "2024"]])):
        values = draw(st.lists(small_counts, min_size=int(np.prod(list(sizes.values()))),
                               max_size=int(np.prod(list(sizes.values())))))
        full = cube(dims, codes, np.array(values).reshape(list(sizes.values())), period)
        keep = np.logical_or.reduce([np.logical_and.reduce([full[d] == T_ for d in dims if d not in combo])
                                     for combo in crossings])
        frames.append(full[keep])
    return pd.concat(frames, ignore_index=True).assign(unit_measure="PS"), crossings


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crossed_request_tables())
def test_a_request_with_several_crossings_and_periods_passes_the_independent_attacker(case):
    from tests.catalogue import real_catalogue
    from validators.disclosure import protect_edition
    from validators.disclosure.edition import sub_tables
    from validators.spec.model import Request

    table, crossings = case
    req = Request.model_validate({
        "id": "40x-crossed", "paragraph": "40(x)", "title": {"en": "X", "es": "X"}, "asks": "X by sex, age, nationality",
        "source": "minsa-covid-deaths", "measure": {"kind": "count", "unit": "PS", "what": {"en": "p", "es": "p"}},
        "breakdowns": ["sex", "age", "nationality"], "cross": crossings,
        "period": {"from": "2020-01-01", "frequency": "year"}})
    out, report = protect_edition({"40x-crossed": table}, {"40x-crossed": req}, real_catalogue().codelists)
    published = out["40x-crossed"]
    threshold = report["40x-crossed"]["threshold"]
    assert_published_true(table, published)
    grand = (published[["sex", "age", "nationality"]] == T_).all(axis=1)
    # a grand total is withheld only where nothing else can protect: a table of fewer than 2T
    withheld_grand = grand & published["obs_value"].isna()
    assert (table.loc[withheld_grand, "obs_value"] < 2 * threshold).all()
    faces = [(sub.reset_index(drop=True), dims) for sub, dims in sub_tables(published, req)]
    truths = [(sub.reset_index(drop=True), dims) for sub, dims in sub_tables(table, req)]
    for (sub, dims), (truth, _) in zip(faces, truths):
        assert (sub.loc[(truth["obs_value"] >= 1) & (truth["obs_value"] < threshold), "conf_status"] == "C").all()
    assert_protected([t for t, _ in truths], [f for f, _ in faces], [d for _, d in faces],
                     lambda t, label: ((threshold, threshold) if 1 <= truths[t][0].loc[label, "obs_value"] < threshold
                                       else None), hidden_cube=True)
