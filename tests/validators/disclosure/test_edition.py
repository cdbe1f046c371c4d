"""Disclosure control of an edition: rules per request, joint protection, flags in the tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from validators.disclosure import protect_edition
from validators.disclosure.attack import attacker_interval, attacker_intervals
from validators.disclosure.edition import sub_tables
from validators.spec.lint import load_catalogue
from validators.spec.model import Request

ROOT = Path(__file__).resolve().parents[3]
CAT, _ = load_catalogue(ROOT / "specs")


def _request(**extra) -> Request:
    return Request.model_validate({
        "id": "40x-victims", "paragraph": "40(x)", "title": {"en": "Victims", "es": "Víctimas"},
        "asks": "Victims, disaggregated by sex and age", "source": "minsa-covid-deaths",
        "measure": {"kind": "count", "unit": "PS", "what": {"en": "persons", "es": "personas"}},
        "breakdowns": ["sex", {"age": "age_child_adult"}], "period": {"from": "2020-01-01", "frequency": "year"},
        **extra})


def _cube(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A full sex x age cube with its margins, from the inner cells."""
    rows = dict(cells)
    for s in ("F", "M"):
        rows[(s, "_T")] = sum(v for (s2, _), v in cells.items() if s2 == s)
    for a in ("Y0T17", "Y_GE18"):
        rows[("_T", a)] = sum(v for (_, a2), v in cells.items() if a2 == a)
    rows[("_T", "_T")] = sum(cells.values())
    return pd.DataFrame([{"time_period": "2020", "sex": s, "age": a, "obs_value": float(v), "unit_measure": "PS",
                          "obs_status": "A", "conf_status": "F"} for (s, a), v in rows.items()])


def test_small_counts_are_withheld_with_flags_and_complements():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
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
    assert audit["passed"] and audit["failures"] == 0 and audit["cells_audited"] == 4 and audit["promised"] == 1
    assert audit["smallest_margin"] >= 0 and audit["narrowest_width"] >= 5


def test_crossings_are_protected_as_sub_tables():
    req = _request(cross=[["sex"], ["age"]])
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    table = table[(table.sex == "_T") | (table.age == "_T")].reset_index(drop=True)
    assert [dims for _, dims in sub_tables(table, req)] == [["sex"], ["age"]]
    out, _ = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists)
    assert out["40x-victims"]["obs_value"].notna().all()  # no cell below 5 in the margins


def test_a_cube_whose_totals_do_not_add_up_gets_primary_suppression_and_says_why():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    table.loc[(table.sex == "_T") & (table.age == "_T"), "obs_value"] = 100.0  # not 122
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request()}, CAT.codelists)
    assert out["40x-victims"].loc[(table.sex == "F") & (table.age == "Y0T17"), "conf_status"].item() == "C"
    assert report["40x-victims"]["secondary_not_applied"].startswith("the table's totals are not a consistent cube (")
    assert report["40x-victims"]["secondary_not_applied"].endswith("): only cells below the threshold are withheld")


def test_out_of_time_the_safe_pattern_withholds_the_totals_and_the_attacker_learns_nothing():
    table = _cube({("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    out, report = protect_edition({"40x-victims": table}, {"40x-victims": _request()}, CAT.codelists, budget=0)
    protected = out["40x-victims"]
    withheld = protected[protected["conf_status"] == "C"]
    assert set(zip(withheld.sex, withheld.age)) == {("F", "Y0T17"), ("F", "_T"), ("_T", "Y0T17"), ("_T", "_T")}
    cell = protected.index[(protected.sex == "F") & (protected.age == "Y0T17")][0]
    lo, hi = attacker_interval(protected, ["sex", "age"], cell)
    assert lo == 0 and hi == float("inf")
    assert report["40x-victims"]["method"].startswith("primary cells and every total they add up into")


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


def test_two_crossings_the_totals_fallback_fails_the_audit_and_is_reinforced_before_publication():
    from validators.disclosure.audit import Part, audit
    from validators.disclosure.fallback import withhold_with_totals
    from validators.disclosure.rules import rule_for

    table, req = _two_crossings()
    rule = rule_for(None, True)
    fallback = withhold_with_totals({"r": (table, ["sex", "age", "nationality"], rule)})["r"]
    parts = [Part("r", b, a, dims, rule) for (b, dims), (a, _) in zip(sub_tables(table, req), sub_tables(fallback, req))]
    assert audit(parts)[1] == 1  # the grand total is sum of the published ages: F, XXA = 2 exactly (issue 11, 1)

    out, report = protect_edition({"40x-victims": table}, {"40x-victims": req}, CAT.codelists, budget=0)
    published = out["40x-victims"]
    assert set(published["conf_status"]) == {"F", "C"}
    a = report["40x-victims"]["audit"]
    assert a["repaired"] and a["passed"] and a["failures"] == 0 and a["promised"] == 1
    # the independent attacker, given only the published file, cannot narrow the cell
    found = attacker_intervals([(sub, dims) for sub, dims in sub_tables(published, req)])
    cell = published.index[(published.sex == "F") & (published.nationality == "XXA")][0]
    lo, hi = found[0].loc[cell]
    assert lo <= 0 and hi >= 2 + 5


def test_a_table_withheld_whole_by_the_audit_gets_a_finding():
    from validators.disclosure import disclosure_findings

    found = disclosure_findings({"40x-victims": {"audit": {"withheld_whole": True, "passed": True}},
                                 "40y": {"audit": {"passed": True}}})
    assert [(f.spec, f.check, f.severity) for f in found] == [("40x-victims", "disclosure_audit", "warning")]
    assert found[0].message.startswith("every cell is withheld: the suppression pattern still let an attacker")
