"""The decisions about a table (status, publish or not) as plain functions, without Prefect."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from validators.decisions import Status, decide, failed_requests, publishable, status_counts
from validators.spec.findings import finding
from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
CAT, _ = load_catalogue(ROOT / "specs")
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


def test_every_breakdown_and_period_is_delivered():
    req = REQ.model_copy(update={"unavailable": {}, "breakdowns": ["sex", "age"]})
    d = decide(req, SOURCE, ["2020-03"], table(["2020-03"]), 1, [])
    assert d.fulfilment.status == Status.DELIVERED


def test_counts_and_failed_list():
    ok = decide(REQ, SOURCE, ["2020-03"], table(["2020-03"]), 1, []).fulfilment
    bad = decide(REQ, SOURCE, ["2020-03"], table(["2020-03"]), 1, [finding("unique_key", REQ.id, detail="x")]).fulfilment
    assert status_counts({"a": ok, "b": bad}) == {"delivered": 0, "partial": 1, "unavailable": 0, "failed": 1}
    assert failed_requests({"a": ok, "b": bad}) == ["b"]
