"""Cells that two tables of a source publish under different codelists or filters: one cell, one
fate, and the attacker's knowledge that a filtered count is part of the unfiltered one (both found by
an outside attack on the sample edition, 1 December)."""

from __future__ import annotations

from tests.catalogue import real_catalogue
from tests.validators.disclosure.cubes import cube
from tests.validators.disclosure.test_edition import _request
from validators.disclosure import protect_edition

CAT = real_catalogue()


def test_age_unknown_in_two_age_bandings_is_one_cell_withheld_in_both_tables():
    """Women of unknown age (3) in five-year bands (threshold 3) and in children/adults (threshold 5):
    the same 3 women. Published in one table, the other's withheld cell would be read off it."""
    bands = _request(id="40x-bands", breakdowns=["sex", "age"], threshold=3)
    broad = _request(id="40x-broad", threshold=5)
    five = cube({("F", "Y0T4"): 10, ("F", "Y5T9"): 10, ("F", "_U"): 3, ("M", "Y0T4"): 10, ("M", "Y5T9"): 10,
                   ("M", "_U"): 8})
    two = cube({("F", "Y0T17"): 20, ("F", "_U"): 3, ("M", "Y0T17"): 20, ("M", "_U"): 8})
    out, _ = protect_edition({"40x-bands": five, "40x-broad": two}, {"40x-bands": bands, "40x-broad": broad},
                             CAT.codelists)
    a, b = out["40x-bands"].set_index(["sex", "age"]), out["40x-broad"].set_index(["sex", "age"])
    assert a.loc[("F", "_U"), "conf_status"] == "C" == b.loc[("F", "_U"), "conf_status"]


def test_a_filtered_count_is_protected_against_the_unfiltered_count_it_lies_within():
    """Peruvian women of unknown age: 2, withheld. All women of unknown age: 6, above any threshold,
    yet published it would tell that the 2 are at most 6, not 7 (2 + 5): it is withheld too."""
    everyone = _request(id="40x-all", threshold=5)
    peru = _request(id="40x-peru", threshold=5, filters={"nationality": "PER"})
    all_cells = cube({("F", "Y0T17"): 40, ("F", "Y_GE18"): 50, ("F", "_U"): 6, ("M", "Y0T17"): 30,
                        ("M", "Y_GE18"): 45, ("M", "_U"): 9})
    peru_cells = cube({("F", "Y0T17"): 15, ("F", "Y_GE18"): 20, ("F", "_U"): 2, ("M", "Y0T17"): 14,
                         ("M", "Y_GE18"): 16, ("M", "_U"): 5})
    out, report = protect_edition({"40x-all": all_cells, "40x-peru": peru_cells},
                                  {"40x-all": everyone, "40x-peru": peru}, CAT.codelists)
    a, p = out["40x-all"].set_index(["sex", "age"]), out["40x-peru"].set_index(["sex", "age"])
    assert p.loc[("F", "_U"), "conf_status"] == "C"
    assert a.loc[("F", "_U"), "conf_status"] == "C"
    assert report["40x-peru"]["audit"]["passed"] and report["40x-peru"]["audit"]["periods_withheld_whole"] == 0


def test_a_code_holding_the_same_records_as_another_dimensions_code_shares_its_fate():
    """Status NAT (national) is nationality PER by definition (the codelist says so): the women
    entering as nationals are the Peruvian women. Withheld by nationality, they are withheld by status."""
    by_nat = _request(id="40x-nat", breakdowns=["sex", "nationality"], threshold=5)
    by_status = _request(id="40x-status", breakdowns=["sex", "migration_status"], threshold=5)
    nat = cube({("F", "PER"): 2, ("F", "VEN"): 40, ("M", "PER"): 30, ("M", "VEN"): 50}, ("sex", "nationality"))
    status = cube({("F", "NAT"): 2, ("F", "IRR"): 40, ("M", "NAT"): 30, ("M", "IRR"): 50}, ("sex", "migration_status"))
    out, _ = protect_edition({"40x-nat": nat, "40x-status": status}, {"40x-nat": by_nat, "40x-status": by_status},
                             CAT.codelists)
    a, b = out["40x-nat"].set_index(["sex", "nationality"]), out["40x-status"].set_index(["sex", "migration_status"])
    assert a.loc[("F", "PER"), "conf_status"] == "C" == b.loc[("F", "NAT"), "conf_status"]
    for s in ("F", "M"):
        assert a.loc[(s, "PER"), "conf_status"] == b.loc[(s, "NAT"), "conf_status"]


def test_status_national_and_nationality_peru_are_one_linked_cell():
    from validators.disclosure.edition import sub_tables
    from validators.disclosure.linked import build_linked, parts_of
    by_nat = _request(id="40x-nat", breakdowns=["sex", "nationality"])
    by_status = _request(id="40x-status", breakdowns=["sex", "migration_status"])
    nat = cube({("F", "PER"): 2, ("F", "VEN"): 40}, ("sex", "nationality"))
    status = cube({("F", "NAT"): 2, ("F", "IRR"): 40}, ("sex", "migration_status"))
    requests = {"40x-nat": by_nat, "40x-status": by_status}
    crossings = [(rid, df, combo) for rid, t in (("40x-nat", nat), ("40x-status", status))
                 for df, combo in sub_tables(t, requests[rid])]
    linked = build_linked(parts_of(crossings, requests, CAT.codelists))["2020"]
    (cell,) = [i for i, rows in enumerate(linked.rows)
               if ("40x-nat", nat.index[(nat.sex == "F") & (nat.nationality == "PER")][0]) in rows]
    assert ("40x-status", status.index[(status.sex == "F") & (status.migration_status == "NAT")][0]) in linked.rows[cell]
    unlinked = build_linked(parts_of(crossings, requests))["2020"]  # without the codelists' same_as: two cells
    assert len(unlinked.keys) == len(linked.keys) + 2  # women nationals, and all nationals
