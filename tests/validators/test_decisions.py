"""The decisions about a table (status, publish or not) as plain functions, without Prefect."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.catalogue import real_catalogue
from validators.decisions import Status, decide, failed_requests, publishable, status_counts
from validators.spec.findings import finding

ROOT = Path(__file__).resolve().parents[2]
CAT = real_catalogue()
REQ = CAT.requests["40f-covid-deaths"]  # asks sex, age, nationality; MINSA has no nationality
SOURCE = CAT.sources[REQ.source]


def table(periods: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"time_period": periods, "sex": "_T", "age": "_T", "obs_value": 1.0})


def test_an_error_from_any_check_stops_publication_a_warning_does_not():
    gx_error = finding("non_negative", REQ.id, column="obs_value", value=-1, prefix="gx:")
    warning = finding("period_coverage", REQ.id, detail="the source gives no data for 1 requested period(s): x")
    assert publishable(10, [warning])
    assert not publishable(10, [warning, gx_error])
    assert not publishable(0, [])  # an empty table is never published


def test_a_gx_error_fails_the_request_even_when_pandera_passed():
    gx_error = finding("code_in_codelist", REQ.id, column="sex", value="X", prefix="gx:")
    d = decide(REQ, SOURCE, ["2020-03", "2020-04"], table(["2020-03", "2020-04"]), 2, [gx_error])
    assert (d.fulfilment.status, d.published, d.errors, d.warnings) == (Status.FAILED, False, 1, 0)


def test_a_missing_breakdown_is_partial_even_with_every_period():
    d = decide(REQ, SOURCE, ["2020-03", "2020-04"], table(["2020-03", "2020-04"]), 2, [])
    assert d.fulfilment.status == Status.PARTIAL and d.published
    assert d.fulfilment.missing_breakdowns["nationality"]["en"].startswith("MINSA's death register records no nationality")


def test_missing_periods_are_partial_and_named():
    d = decide(REQ, SOURCE, ["2020-03", "2020-04", "2020-05"], table(["2020-03"]), 1, [])
    assert d.fulfilment.status == Status.PARTIAL
    assert d.fulfilment.missing_periods == ["2020-04", "2020-05"]
    assert "2 of 3 requested periods are not covered by the source" in d.fulfilment.notes


def test_nothing_from_the_source_is_unavailable():
    d = decide(REQ, SOURCE, ["2020-03"], table([]), 0, [])
    assert (d.fulfilment.status, d.published) == (Status.UNAVAILABLE, False)


def carrying(periods: list[str]) -> pd.DataFrame:
    """A table whose periods carry both breakdowns (cells other than totals)."""
    rows = [{"time_period": p, "sex": s, "age": a, "obs_value": 1.0, "obs_status": "A"}
            for p in periods for s, a in (("_T", "_T"), ("F", "_T"), ("_T", "Y0T4"))]
    return pd.DataFrame(rows)


def test_every_breakdown_and_period_is_delivered():
    req = REQ.model_copy(update={"unavailable": {}, "breakdowns": ["sex", "age"]})
    d = decide(req, SOURCE, ["2020-03"], carrying(["2020-03"]), 3, [])
    assert d.fulfilment.status == Status.DELIVERED


def test_a_breakdown_the_published_periods_do_not_carry_is_not_delivered():
    req = REQ.model_copy(update={"unavailable": {}, "breakdowns": ["sex", "age"]})
    only_totals = carrying(["2020-03"]).query("age == '_T'")
    d = decide(req, SOURCE, ["2020-03"], only_totals, 2, [])
    assert d.fulfilment.status == Status.PARTIAL and d.fulfilment.delivered == ["sex"]
    assert d.fulfilment.missing_breakdowns["age"]["en"] == "the source gives no age breakdown for the periods published"


def test_a_proxy_is_at_most_partial_and_says_why():
    why = {"en": "counts applications, not what is asked", "es": "cuenta solicitudes"}
    req = type(REQ).model_validate({**REQ.model_dump(by_alias=True), "unavailable": {},
                                    "breakdowns": ["sex", "age"], "proxy": why})
    d = decide(req, SOURCE, ["2020-03"], carrying(["2020-03"]), 3, [])
    assert d.fulfilment.status == Status.PARTIAL
    assert "proxy: counts applications, not what is asked" in d.fulfilment.notes


def test_a_context_only_table_is_unavailable_but_published():
    why = {"en": "no count of children left behind exists", "es": "no existe"}
    req = type(REQ).model_validate({**REQ.model_dump(by_alias=True), "context": why})
    d = decide(req, SOURCE, ["2020-03"], carrying(["2020-03"]), 3, [])
    assert (d.fulfilment.status, d.published) == (Status.UNAVAILABLE, True)
    assert d.fulfilment.notes[0] == "context only: no count of children left behind exists"


def test_a_partial_last_period_is_provisional_not_covered_and_the_reason_is_true():
    req = REQ.model_copy(update={"unavailable": {}, "breakdowns": ["sex", "age"]})
    t = carrying(["2020-08", "2020-09"])
    t.loc[t["time_period"] == "2020-09", "obs_status"] = "P"
    d = decide(req, SOURCE, ["2020-08", "2020-09"], t, 6, [], data_until="2020-09-02")
    assert d.fulfilment.status == Status.PARTIAL and d.fulfilment.missing_periods == ["2020-09"]
    assert d.fulfilment.notes == ["2020-09: the source gives only part of this period (its data end on 2020-09-02): "
                                  "published as provisional (obs_status P), not counted as covered"]


def test_counts_and_failed_list():
    ok = decide(REQ, SOURCE, ["2020-03"], table(["2020-03"]), 1, []).fulfilment
    bad = decide(REQ, SOURCE, ["2020-03"], table(["2020-03"]), 1, [finding("unique_key", REQ.id, detail="x")]).fulfilment
    assert status_counts({"a": ok, "b": bad}) == {"delivered": 0, "partial": 1, "unavailable": 0, "failed": 1}
    assert failed_requests({"a": ok, "b": bad}) == ["b"]


def test_publisher_totals_that_disagree_become_a_note_on_the_table():
    gap = finding("total_equals_parts", REQ.id, severity="warning",
                  detail="total over sex is 509 but its parts add up to 1054 (time_period=2019)")
    d = decide(REQ, SOURCE, ["2020-03"], carrying(["2020-03"]), 3, [gap])
    assert d.published and ("the publisher's totals disagree with its parts, published as printed: "
                            "total over sex is 509 but its parts add up to 1054 (time_period=2019)") in d.fulfilment.notes


@pytest.mark.parametrize("age_parts", [[], ["_U"], ["Y0T4:nan"]],
                         ids=["only_totals", "only_unknown_age", "age_cells_all_empty"])
def test_a_table_lacking_an_asked_breakdown_is_not_reported_delivered_even_with_every_period(age_parts):
    req = REQ.model_copy(update={"unavailable": {}, "breakdowns": ["sex", "age"]})
    rows = [{"time_period": p, "sex": s, "age": "_T", "obs_value": 1.0, "obs_status": "A"}
            for p in ("2020-03", "2020-04") for s in ("_T", "F", "M")]
    for part in age_parts:
        code, _, value = part.partition(":")
        rows += [{"time_period": p, "sex": "_T", "age": code, "obs_value": float(value or 1), "obs_status": "A"}
                 for p in ("2020-03", "2020-04")]
    d = decide(req, SOURCE, ["2020-03", "2020-04"], pd.DataFrame(rows), len(rows), [])
    assert d.fulfilment.status == Status.PARTIAL
    assert (d.fulfilment.delivered, list(d.fulfilment.missing_breakdowns)) == (["sex"], ["age"])
    assert "age: the source gives no age breakdown for the periods published" in d.fulfilment.notes
