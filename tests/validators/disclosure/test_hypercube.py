"""The hypercube of a confidential cell, before any audit: the cheapest corners that let it move
by its promise, never a corner that cannot move as far (worked by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from validators.disclosure.hypercube import Need, protect
from validators.disclosure.linked import Part, build_linked


def sex_by_age(rows: dict[str, list[int]]) -> pd.DataFrame:
    """Sex x age (A, B, C) with every margin, from the inner rows."""
    cells = {(s, a): v for s, vs in rows.items() for a, v in zip("ABC", vs)}
    for s, vs in rows.items():
        cells[(s, "_T")] = sum(vs)
    for k, a in enumerate("ABC"):
        cells[("_T", a)] = sum(vs[k] for vs in rows.values())
    cells[("_T", "_T")] = sum(sum(vs) for vs in rows.values())
    return pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "conf_status": "F"}
                         for (s, a), v in cells.items()])


def hypercube(df: pd.DataFrame, cell: tuple[str, str], up: float, down: float) -> tuple[set, list]:
    """The cells (sex, age) withheld for one need of ``cell``, and the needs left unmet."""
    [linked] = build_linked([Part("t", df, ["sex", "age"])]).values()
    code = {i: {d: c for d, _, c in key} for i, key in enumerate(linked.keys)}
    name = {i: (c.get("sex", "_T"), c.get("age", "_T")) for i, c in code.items()}
    p = next(i for i, n in name.items() if n == cell)
    withheld = np.zeros(len(linked.keys), dtype=bool)
    withheld[p] = True
    out, unmet = protect(linked, [Need(p, up, down)], withheld)
    return {name[int(i)] for i in np.flatnonzero(out)}, unmet


def test_the_cheapest_hypercube_is_passed_over_when_a_corner_moving_against_the_cell_cannot_fall_far_enough():
    # F,A = 1 must be able to rise by 5: (F,B) = 4 would fall with it to -1, so not F,B / M,A / M,B
    # (cost 26) but F,C / M,A / M,C (cost 120), cheaper than through the margins
    df = sex_by_age({"F": [1, 4, 50], "M": [10, 12, 60]})
    assert hypercube(df, ("F", "A"), up=5, down=1) == ({("F", "A"), ("F", "C"), ("M", "A"), ("M", "C")}, [])


def test_the_cheapest_hypercube_is_taken_when_every_corner_can_move():
    df = sex_by_age({"F": [1, 30, 40], "M": [8, 9, 50], "X": [20, 25, 30]})
    assert hypercube(df, ("F", "A"), up=3, down=1) == ({("F", "A"), ("F", "B"), ("M", "A"), ("M", "B")}, [])


def test_a_corner_moving_with_the_cell_must_hold_its_fall():
    # F,A = 4 must be able to fall by 4: (M,B) moves with it and holds only 2, so not F,B / M,A / M,B
    # (cost 40) but F,B / _T,A / _T,B through the age totals (74), cheaper than F,C / M,A / M,C (98)
    df = sex_by_age({"F": [4, 30, 40], "M": [8, 2, 50]})
    assert hypercube(df, ("F", "A"), up=3, down=4) == ({("F", "A"), ("F", "B"), ("_T", "A"), ("_T", "B")}, [])


def test_a_cell_that_no_hypercube_can_protect_is_left_to_the_audit():
    # one row: F,A = 1 can rise only against F,B = 2 (F,C is 0; the corner through the totals is the
    # grand total, never withheld), and two hypercubes cannot share F,B
    df = sex_by_age({"F": [1, 2, 0]})
    cells, unmet = hypercube(df, ("F", "A"), up=3, down=1)
    assert cells == {("F", "A")} and [(n.up, n.down) for n in unmet] == [(3, 1)]
