"""A run's final state and its table of statuses, without Prefect."""

from __future__ import annotations

from validators.decisions import Fulfilment, Status
from validators.outcome import (
    LoadRow,
    Outcome,
    StatusRow,
    edition_outcome,
    load_outcome,
    loads_markdown,
    request_reason,
    statuses_markdown,
)
from validators.spec.findings import finding


def _f(request: str, status: Status, notes: list[str] = ()) -> Fulfilment:
    return Fulfilment(request, status, ["sex"], ["sex"], notes=list(notes))


def test_a_failed_request_or_an_unreadable_source_fails_the_run():
    ok = {"a": _f("a", Status.DELIVERED), "b": _f("b", Status.PARTIAL), "c": _f("c", Status.UNAVAILABLE)}
    assert edition_outcome(ok, {"s": []}).message == "1 delivered, 1 partial, 1 unavailable"
    assert not edition_outcome(ok, {"s": []}).failed
    broken = {**ok, "d": _f("d", Status.FAILED)}
    out = edition_outcome(broken, {"s": [], "iom": ["iom/x.csv: no column 'Año'"]})
    assert out.failed
    assert out.message == ("1 of 4 requests failed: d; 1 source(s) could not be read: iom "
                           "(see the statuses artifact and findings.csv)")
    # a source lost, even if its requests were not (yet) marked failed, is a failed run
    assert edition_outcome(ok, {"iom": ["iom: the folder iom does not exist"]}).failed


def test_a_load_with_an_unreadable_extract_fails():
    assert not load_outcome({"a": [], "b": []}).failed
    assert load_outcome({"a": [], "b": []}).message == "2 source(s) loaded"
    out = load_outcome({"a": ["a/1.csv: bad", "a/2.csv: bad"], "b": []})
    assert out.failed and out.message == "2 extract(s) of 1 source(s) could not be read: a"


def test_the_reason_names_the_errors_first_then_the_notes():
    f = _f("40a", Status.FAILED, ["2 of 5 requested periods are not covered by the source"])
    errors = [finding("non_negative", "40a", column="obs_value", value=-3),
              finding("non_negative", "other", column="obs_value", value=-1)]
    assert request_reason(f, errors, "iom", {}) == "obs_value is -3: counts cannot be negative"
    assert request_reason(f, errors, "iom", {"iom": ["iom/x.csv: unreadable"]}) == \
        "obs_value is -3: counts cannot be negative (and 1 more)"
    assert request_reason(_f("40b", Status.PARTIAL, ["sex: not recorded"]), errors, "iom", {}) == "sex: not recorded"


def test_the_statuses_table_lists_failures_first_and_escapes_cells():
    out = edition_outcome({"a": _f("a", Status.FAILED)}, {})
    text = statuses_markdown("Edition 2025-12-31", out, [
        StatusRow("40a-ok", "40 (a)", "delivered", ""),
        StatusRow("40b-bad", "40 (b)", "failed", "a | b\nc")])
    assert text.splitlines() == [
        "# Edition 2025-12-31", "",
        "**FAILED**: 1 of 1 requests failed: a (see the statuses artifact and findings.csv)", "",
        "| request | paragraph | status | reason |", "|---|---|---|---|",
        "| 40b-bad | 40 (b) | failed | a \\| b c |",
        "| 40a-ok | 40 (a) | delivered |  |"]
    loads = loads_markdown("Load", load_outcome({"a": ["x"]}), [LoadRow("a", "a/1.csv", 3, 2, 1, "loaded"),
                                                                LoadRow("a", "a/2.csv", 0, 0, 0, "bad header")])
    assert loads.splitlines()[6] == "| a | a/2.csv | 0 | 0 | 0 | bad header |"


def test_the_statuses_table_orders_failed_then_unavailable_partial_delivered_whatever_the_names():
    out = edition_outcome({"a": _f("a", Status.DELIVERED)}, {})
    rows = [StatusRow("a-delivered", "40 (a)", "delivered", ""), StatusRow("b-partial", "40 (b)", "partial", "x"),
            StatusRow("c-unavailable", "40 (c)", "unavailable", "y"), StatusRow("d-failed", "40 (d)", "failed", "z"),
            StatusRow("e-failed", "40 (e)", "failed", "w")]
    text = statuses_markdown("Edition 2025-12-31", out, rows)
    assert text == ("# Edition 2025-12-31\n\n**Completed**: 1 delivered\n\n"
                    "| request | paragraph | status | reason |\n|---|---|---|---|\n"
                    "| d-failed | 40 (d) | failed | z |\n| e-failed | 40 (e) | failed | w |\n"
                    "| c-unavailable | 40 (c) | unavailable | y |\n| b-partial | 40 (b) | partial | x |\n"
                    "| a-delivered | 40 (a) | delivered |  |\n")


def test_the_loads_table_lists_unreadable_extracts_first_under_its_headline():
    rows = [LoadRow("a", "a/1.csv", 3, 2, 1, "loaded"), LoadRow("a", "a/2.csv", 3, 3, 0, "unchanged"),
            LoadRow("b", "b/1.csv", 0, 0, 0, "b/1.csv: bad header")]
    assert loads_markdown("Load", load_outcome({"a": [], "b": ["b/1.csv: bad header"]}), rows) == (
        "# Load\n\n**FAILED**: 1 extract(s) of 1 source(s) could not be read: b\n\n"
        "| source | file | read | loaded | quarantined | state |\n|---|---|---:|---:|---:|---|\n"
        "| b | b/1.csv | 0 | 0 | 0 | b/1.csv: bad header |\n"
        "| a | a/1.csv | 3 | 2 | 1 | loaded |\n| a | a/2.csv | 3 | 3 | 0 | unchanged |\n")
    assert loads_markdown("Load", load_outcome({"a": []}), rows[:2]).splitlines()[2] == "**Completed**: 1 source(s) loaded"


def test_a_run_names_five_failures_and_counts_the_rest():
    failed = {r: _f(r, Status.FAILED) for r in "gfedcba"}
    assert edition_outcome(failed, {}).message == ("7 of 7 requests failed: a, b, c, d, e and 2 more "
                                                   "(see the statuses artifact and findings.csv)")
    five = {s: [f"{s}/x.csv: bad"] for s in "edcba"}
    assert load_outcome(five).message == "5 extract(s) of 5 source(s) could not be read: a, b, c, d, e"


def test_a_run_without_failures_is_not_failed_even_with_no_request():
    assert edition_outcome({}, {}) == Outcome(False, "no request")
    assert load_outcome({}).failed is False
    assert edition_outcome({"a": _f("a", Status.PARTIAL)}, {"s": []}).failed is False


def test_the_reason_of_a_request_without_errors_joins_its_notes():
    f = _f("40b", Status.PARTIAL, ["sex: not recorded", "2 of 5 requested periods are not covered"])
    assert request_reason(f, [], "iom", {}) == "sex: not recorded; 2 of 5 requested periods are not covered"
