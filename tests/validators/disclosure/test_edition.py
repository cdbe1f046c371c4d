"""Disclosure control of an edition: rules per request, joint protection, flags in the tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.catalogue import real_catalogue
from tests.validators.disclosure.cubes import sex_age_cube
from validators.disclosure import protect_edition
from validators.disclosure.attack import attacker_intervals
from validators.disclosure.edition import sub_tables
from validators.spec.model import Request

ROOT = Path(__file__).resolve().parents[3]
CAT = real_catalogue()


def _request(**extra) -> Request:
    return Request.model_validate({
        "id": "40x-victims", "paragraph": "40(x)", "title": {"en": "Victims", "es": "Víctimas"},
        "asks": "Victims, disaggregated by sex and age", "source": "minsa-covid-deaths",
        "measure": {"kind": "count", "unit": "PS", "what": {"en": "persons", "es": "personas"}},
        "breakdowns": ["sex", {"age": "age_child_adult"}], "period": {"from": "2020-01-01", "frequency": "year"},
        **extra})


def test_small_counts_are_withheld_with_flags_and_complements():
    table = sex_age_cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request(sensitive=True)}, CAT.codelists)
    protected = out["40x-victims"]
    published = protected["obs_value"].dropna()
    assert not ((published >= 1) & (published < 5)).any()
    assert protected.loc[(protected.sex == "F") & (protected.age == "Y0T17"), "conf_status"].item() == "C"
    assert set(protected["conf_status"]) == {"F", "C"}  # contract v2: no D published
    assert (protected["conf_status"] == "C").sum() == 4  # a 2x2 cycle: the lone cell is not recoverable
    assert report["40x-victims"]["threshold"] == 5 and report["40x-victims"]["primary"] == 1
    assert report["40x-victims"]["secondary"] == 3  # the split is kept in the manifest only
    audit = report["40x-victims"]["audit"]
    assert audit["passed"] and audit["failures_after_reinforcement"] == 0 and audit["confidential_cells_audited"] == 1
    assert audit["reinforced"] == 0 and audit["periods_withheld_whole"] == 0


def test_crossings_are_protected_as_sub_tables():
    req = _request(cross=[["sex"], ["age"]])
    table = sex_age_cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    table = table[(table.sex == "_T") | (table.age == "_T")].reset_index(drop=True)
    assert [dims for _, dims in sub_tables(table, req)] == [["sex"], ["age"]]
    out, _ = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    assert out["40x-victims"]["obs_value"].notna().all()  # no cell below 5 in the margins


def _two_crossings() -> tuple[pd.DataFrame, Request]:
    """sex x nationality and age, one period: the lone small cell is F, stateless (XXA) = 2."""
    req = _request(breakdowns=["sex", {"age": "age_child_adult"}, "nationality"], cross=[["sex", "nationality"], ["age"]])
    cells = {("F", "PER"): 40, ("F", "XXA"): 2, ("M", "PER"): 50, ("M", "XXA"): 30}
    rows = [(s, "_T", n, v) for (s, n), v in cells.items()]
    rows += [(s, "_T", "_T", sum(v for (s2, _), v in cells.items() if s2 == s)) for s in ("F", "M")]
    rows += [("_T", "_T", n, sum(v for (_, n2), v in cells.items() if n2 == n)) for n in ("PER", "XXA")]
    rows += [("_T", "Y0T17", "_T", 60), ("_T", "Y_GE18", "_T", 62), ("_T", "_T", "_T", 122)]
    table = pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "nationality": n, "obs_value": float(v),
                           "unit_measure": "PS", "obs_status": "A", "conf_status": "F"} for s, a, n, v in rows])
    return table, req


def _interval(published: pd.DataFrame, req: Request, **codes) -> tuple[float, float]:
    """The independent attacker (``attack``, hidden cube included) on one cell of a published table."""
    found = attacker_intervals([(sub, dims) for sub, dims in sub_tables(published, req)])
    mask = pd.Series(True, index=published.index)
    for dim, code in codes.items():
        mask &= published[dim] == code
    cell = published.index[mask][0]
    return next(f.loc[cell] for f in found if cell in f.index)


def test_two_crossings_are_protected_together_and_the_attacker_cannot_narrow_the_small_cell():
    table, req = _two_crossings()  # issue 11, 1: the direction totals were sums of published ages
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    published = out["40x-victims"]
    assert set(published["conf_status"]) == {"F", "C"}  # contract v2: one flag
    lo, hi = _interval(published, req, sex="F", age="_T", nationality="XXA")
    assert lo <= 0 and hi >= 2 + 5
    grand = (published[["sex", "age", "nationality"]] == "_T").all(axis=1)
    assert published.loc[grand, "obs_value"].item() == 122  # the grand total stays published
    audit = report["40x-victims"]["audit"]
    assert audit["confidential_cells_audited"] >= 1 and audit["failures_after_reinforcement"] == 0


def test_an_incomplete_cube_is_protected_over_the_relations_it_does_satisfy():
    # issue 11, 2: the publisher lists no female adults; male children 4 and adults 4 under a male total 8
    rows = [("M", "Y0T17", 4), ("M", "Y_GE18", 4), ("M", "_T", 8), ("F", "Y0T17", 9), ("F", "_T", 30),
            ("_T", "Y0T17", 13), ("_T", "_T", 38)]
    table = pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "unit_measure": "PS",
                           "obs_status": "A", "conf_status": "F"} for s, a, v in rows])
    out, _ = protect_edition({"40x-victims": table}, {"40x-victims": _request(sensitive=True)}, CAT.codelists)
    published = out["40x-victims"].set_index(["sex", "age"])
    assert published.loc[("M", "Y0T17"), "conf_status"] == "C" == published.loc[("M", "Y_GE18"), "conf_status"]
    assert published.loc[("_T", "_T"), "obs_value"] == 38
    # with the male total published the two would be 4 each: the hypercube moves it with the
    # children, against the girls (9) and the female total (30)
    assert published.loc[("M", "_T"), "conf_status"] == "C"
    assert published.loc[[("F", "Y0T17"), ("F", "_T")], "conf_status"].eq("C").all()


def test_tables_with_different_filters_share_cells_and_are_protected_together():
    # issue 11, 5: the returns table (Peruvians) publishes a cell of the movements table
    movements = _request(id="40x-all", breakdowns=["nationality", "sex"], cross=[])
    returns = _request(id="40x-peru", breakdowns=["sex"], filters={"nationality": "PER"})
    cells = {("PER", "F"): 506, ("PER", "M"): 543, ("PER", "_U"): 1, ("COL", "F"): 300, ("COL", "M"): 280,
             ("COL", "_U"): 40}
    rows = dict(cells)
    for n in ("PER", "COL"):
        rows[(n, "_T")] = sum(v for (n2, _), v in cells.items() if n2 == n)
    for s in ("F", "M", "_U"):
        rows[("_T", s)] = sum(v for (_, s2), v in cells.items() if s2 == s)
    rows[("_T", "_T")] = sum(cells.values())
    frame = lambda pick: pd.DataFrame([{"time_period": "2021", **pick(n, s), "obs_value": float(v),
                                        "unit_measure": "PS", "obs_status": "A", "conf_status": "F"}
                                       for (n, s), v in rows.items() if "nationality" in pick(n, s) or n == "PER"])
    both = frame(lambda n, s: {"nationality": n, "sex": s})
    peru = frame(lambda n, s: {"sex": s})
    out, report = protect_edition({"40x-all": both, "40x-peru": peru}, {"40x-all": movements, "40x-peru": returns},
                                  CAT.codelists)
    a, p = out["40x-all"].set_index(["nationality", "sex"]), out["40x-peru"].set_index("sex")
    assert p.loc["_U", "conf_status"] == "C" == a.loc[("PER", "_U"), "conf_status"]
    # the same cell has one fate in both tables
    for s in ("F", "M", "_U", "_T"):
        assert (p.loc[s, "conf_status"] == "C") == (a.loc[("PER", s), "conf_status"] == "C")
    assert report["40x-peru"]["protected_with"] == ["40x-all"]


def test_in_a_sensitive_table_a_small_line_wholly_in_one_category_is_withheld():
    # issue 11, 7: all 7 adults of one year were men, the women published as 0
    table = sex_age_cube({("F", "Y0T17"): 20, ("F", "Y_GE18"): 0, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 7})
    req = _request(sensitive=True)
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    published = out["40x-victims"].set_index(["sex", "age"])
    assert published.loc[("F", "Y_GE18"), "conf_status"] == "C" == published.loc[("M", "Y_GE18"), "conf_status"]
    # the attacker cannot tell that every adult was a man: the women adults could be 1 (an outside
    # attack found the men's cell 1 lower was not enough: the adults' total moved with it)
    lo, hi = _interval(out["40x-victims"], req, sex="F", age="Y_GE18")
    assert hi >= 1
    assert report["40x-victims"]["primary"] >= 1


def test_periods_withheld_whole_get_a_finding():
    from validators.disclosure import disclosure_findings

    found = disclosure_findings({"40x-victims": {"audit": {"periods_withheld_whole": 2}},
                                 "40y": {"audit": {"periods_withheld_whole": 0}}})
    assert [(f.spec, f.check, f.severity) for f in found] == [("40x-victims", "disclosure_audit", "warning")]
    assert found[0].message.startswith("2 period(s) withheld whole, grand totals included: no lesser suppression")


def test_periods_protected_in_parallel_workers_give_the_same_tables(monkeypatch):
    """Periods share no cell: two worker processes must withhold exactly what one process does."""
    from validators.disclosure import edition

    years = []
    for k, year in enumerate(("2020", "2021", "2022", "2023")):
        cube = sex_age_cube({("F", "Y0T17"): 1 + k % 3, ("F", "Y_GE18"): 40 + k, ("M", "Y0T17"): 3 + k, ("M", "Y_GE18"): 50})
        years.append(cube.assign(time_period=year))
    table = pd.concat(years, ignore_index=True)
    requests = {"40x-victims": _request(sensitive=True)}
    one, report_one = protect_edition({"40x-victims": table}, requests, CAT.codelists, workers=1)
    monkeypatch.setattr(edition, "PARALLEL_FROM_CELLS", 0)
    assert edition.workers_for({"40x-victims": table}, 2) == 2
    two, report_two = protect_edition({"40x-victims": table}, requests, CAT.codelists, workers=2)
    pd.testing.assert_frame_equal(one["40x-victims"], two["40x-victims"])
    assert (one["40x-victims"]["conf_status"] == "C").sum() >= 4 * 4  # every year has its small cells
    assert {k: v for k, v in report_one["40x-victims"]["audit"].items() if k != "seconds"} == \
        {k: v for k, v in report_two["40x-victims"]["audit"].items() if k != "seconds"}


def test_small_editions_are_protected_in_one_process():
    table = sex_age_cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    from validators.disclosure.edition import workers_for
    assert workers_for({"40x-victims": table}, None) == 1


def test_a_period_too_small_to_hide_its_cells_is_published_as_its_total_alone():
    """7 persons, 4 of them girls: the girls must be able to be 9, which a published total of 7
    forbids, and withholding the total too would leave the committee nothing for that year. The
    year's breakdown is left out, its total published, and the report says which year; the other
    year keeps its breakdown."""
    small = sex_age_cube({("F", "Y0T17"): 4, ("F", "Y_GE18"): 1, ("M", "Y0T17"): 1, ("M", "Y_GE18"): 1}, "2020")
    large = sex_age_cube({("F", "Y0T17"): 20, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50}, "2021")
    table = pd.concat([small, large], ignore_index=True)
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request(sensitive=True)}, CAT.codelists)
    assert report["40x-victims"]["periods_as_total_only"] == ["2020"]
    assert report["40x-victims"]["grand_totals_withheld"] == []
    published = out["40x-victims"]
    first = published[published["time_period"] == "2020"]
    assert first[["sex", "age", "obs_value", "conf_status"]].values.tolist() == [["_T", "_T", 7.0, "F"]]
    assert len(published[published["time_period"] == "2021"]) == 9
    assert "published as its total alone (periods_as_total_only)" in report["40x-victims"]["method"]


def test_a_group_wholly_in_one_category_stays_hidden_when_its_total_is_withheld_with_it():
    """7 Colombians and 6 Ecuadoreans expelled, all adults (no child, no unknown age anywhere): the
    cheapest way to let the Colombian adults be 1 lower moves the Colombian total with them, which
    would leave 'all were adults' readable off the published zeros. One of the zeros must be able to be 1."""
    req = _request(breakdowns=["nationality", {"age": "age_child_adult"}], sensitive=True)
    cells = {("COL", "Y_GE18"): 7, ("ECU", "Y_GE18"): 6, ("VEN", "Y_GE18"): 100}
    cells.update({(n, a): 0 for n in ("COL", "ECU", "VEN") for a in ("Y0T17", "_U")})
    rows = dict(cells)
    for n in ("COL", "ECU", "VEN"):
        rows[(n, "_T")] = sum(v for (n2, _), v in cells.items() if n2 == n)
    for a in ("Y0T17", "Y_GE18", "_U"):
        rows[("_T", a)] = sum(v for (_, a2), v in cells.items() if a2 == a)
    rows[("_T", "_T")] = sum(cells.values())
    table = pd.DataFrame([{"time_period": "2025", "nationality": n, "age": a, "obs_value": float(v), "unit_measure": "PS",
                           "obs_status": "A", "conf_status": "F"} for (n, a), v in rows.items()])
    out, _ = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    published = out["40x-victims"].set_index(["nationality", "age"])
    for n in ("COL", "ECU"):
        hidden = [a for a in ("Y0T17", "_U") if published.loc[(n, a), "conf_status"] == "C"]
        assert hidden, n  # a published 0 beside them would say it
        # some of them could have been a child or of unknown age
        assert max(tuple(_interval(out["40x-victims"], req, nationality=n, age=a))[1] for a in hidden) >= 1
