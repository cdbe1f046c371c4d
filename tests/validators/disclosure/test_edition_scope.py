"""Which tables disclosure control protects, and with which rule: a count of anything, never a money
amount; a table without breakdowns or without any count still gets its floor."""

from __future__ import annotations

import os

import pandas as pd

from tests.catalogue import real_catalogue
from tests.validators.disclosure.cubes import sex_age_cube
from tests.validators.disclosure.test_edition import _request
from validators.disclosure import protect_edition
from validators.disclosure.edition import NOT_PROTECTED
from validators.disclosure.floor import withheld_share_floor
from validators.disclosure.rules import DisclosureRule

CAT = real_catalogue()
SMALL = {("F", "Y0T17"): 2, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50}


def test_a_count_of_households_is_protected_like_a_count_of_persons():
    req = _request(measure={"kind": "count", "unit": "HH", "what": {"en": "households", "es": "hogares"}})
    out, report = protect_edition({req.id: sex_age_cube(SMALL)}, {req.id: req}, CAT.codelists)
    assert (out[req.id]["conf_status"] == "C").sum() == 4 and report[req.id]["rule"] == "threshold"


def test_a_sum_of_persons_from_published_figures_is_protected():
    req = _request(measure={"kind": "sum", "unit": "PS", "what": {"en": "persons", "es": "personas"}})
    out, _ = protect_edition({req.id: sex_age_cube(SMALL)}, {req.id: req}, CAT.codelists)
    assert (out[req.id]["conf_status"] == "C").sum() == 4


def test_a_money_amount_is_published_as_it_is_even_when_small():
    req = _request(measure={"kind": "sum", "unit": "USD", "what": {"en": "dollars", "es": "dólares"}})
    table = sex_age_cube(SMALL)
    out, report = protect_edition({req.id: table}, {req.id: req}, CAT.codelists)
    pd.testing.assert_frame_equal(out[req.id], table)
    assert report[req.id] == {"rule": NOT_PROTECTED}


def test_a_table_without_breakdowns_or_without_any_count_has_a_floor_of_zero():
    rule = DisclosureRule(threshold=3)
    alone = pd.DataFrame({"time_period": ["2020"], "obs_value": [2.0], "conf_status": ["F"]})
    assert withheld_share_floor(alone, [], rule) == 0.0
    zeros = sex_age_cube({("F", "Y0T17"): 0, ("M", "Y0T17"): 0})
    assert withheld_share_floor(zeros, ["sex", "age"], rule) == 0.0


def test_a_large_edition_uses_the_workers_asked_but_never_more_than_the_cores():
    from validators.disclosure.edition import MAX_WORKERS, PARALLEL_FROM_CELLS, workers_for

    cores = len(os.sched_getaffinity(0))
    large = {"a": pd.DataFrame({"obs_value": range(PARALLEL_FROM_CELLS)})}
    assert workers_for(large, 1) == 1
    assert workers_for(large, 64) == cores
    assert workers_for(large, None) == min(MAX_WORKERS, cores)
    assert workers_for({"a": large["a"].iloc[1:]}, 64) == 1  # one cell fewer: one process


def test_a_spec_threshold_of_10_withholds_a_count_of_7():
    table = sex_age_cube({("F", "Y0T17"): 7, ("F", "Y_GE18"): 40, ("M", "Y0T17"): 30, ("M", "Y_GE18"): 50})
    req = _request(threshold=10)
    out, report = protect_edition({req.id: table}, {req.id: req}, CAT.codelists)
    published = out[req.id].set_index(["sex", "age"])
    assert published.loc[("F", "Y0T17"), "conf_status"] == "C" and report[req.id]["threshold"] == 10


def test_two_tables_of_one_source_that_disagree_on_a_cell_are_each_protected_alone():
    # the same cell (women, no filter) is 2 in one extract and 1 in the other: no attacker can link them
    one = _request(id="40x-a", breakdowns=["sex"])
    other = _request(id="40x-b", breakdowns=["sex"])
    frame = lambda women: pd.DataFrame([{"time_period": "2020", "sex": s, "obs_value": float(v), "unit_measure": "PS",
                                         "obs_status": "A", "conf_status": "F"}
                                        for s, v in (("F", women), ("M", 40), ("_T", 40 + women))])
    out, report = protect_edition({"40x-a": frame(2), "40x-b": frame(1)}, {"40x-a": one, "40x-b": other},
                                  CAT.codelists)
    for rid in ("40x-a", "40x-b"):
        assert out[rid]["conf_status"].tolist() == ["C", "C", "F"]  # the small cell and its complement
        assert report[rid]["protected_with"] == [] and report[rid]["primary"] == 1
        assert report[rid]["audit"]["passed"]


def test_the_manifest_entry_of_a_protected_table_has_every_key_of_the_rule_its_cost_and_its_audit():
    req = _request()
    _, report = protect_edition({req.id: sex_age_cube(SMALL)}, {req.id: req}, CAT.codelists)
    assert set(report[req.id]) == {"rule", "threshold", "protection_lower", "protection_upper", "zeros_disclose",
                                   "description", "cells", "primary", "secondary", "source_withheld", "withheld_share",
                                   "withheld_share_floor", "method", "protected_with", "periods_as_total_only",
                                   "grand_totals_withheld", "audit"}
    assert report[req.id]["method"].startswith("hypercubes (tau-ARGUS's GHMITER idea)")
    assert set(report[req.id]["audit"]) == {"confidential_cells_audited", "no_hypercube", "reinforced",
                                            "periods_withheld_whole", "failures_after_reinforcement", "passed",
                                            "seconds"}
