"""What a table's status says besides its status: the publisher's totals reconciled, the fallback
periods, estimates, provisional periods, and the notes a reviewer reads next to the figures."""

from __future__ import annotations

import pandas as pd

from tests.catalogue import real_catalogue
from validators.decisions import (
    Status,
    decide,
    fulfilment,
    grouped_notes,
    publishable,
    publisher_total_notes,
    reconciliation_by_source,
    totals_notes,
    totals_only_notes,
)
from validators.spec.findings import finding

CAT = real_catalogue()
COVID = CAT.requests["40f-covid-deaths"]
MINSA = CAT.sources[COVID.source]
GLOTIP_REQ = CAT.requests["40h-trafficking-victims"]
GLOTIP = CAT.sources[GLOTIP_REQ.source]  # UNODC prints totals of its own: they are reconciled


def glotip_table(total: float, female: float = 600, male: float = 454) -> pd.DataFrame:
    dims = [d for d, _ in GLOTIP_REQ.delivered_dimensions()]
    rows = [{"time_period": "2019", **{d: "_T" for d in dims}, "obs_value": v, "obs_status": "A", "conf_status": "F"}
            for v in (total, female, male)]
    rows[1]["sex"], rows[2]["sex"] = "F", "M"
    return pd.DataFrame(rows)


def test_a_publishers_totals_are_reconciled_in_the_decision_and_noted():
    d = decide(GLOTIP_REQ, GLOTIP, ["2019"], glotip_table(509), 3, [])
    assert (d.reconciliation["checked"], d.reconciliation["match"], d.reconciliation["mismatch"]) == (1, 0, 1)
    assert d.reconciliation["examples"][0].startswith("total over sex is 509 but its parts add up to 1054")
    assert ("the publisher's totals reconciled with the sum of their parts: 1 checked, 0 match, 1 disagree"
            in d.fulfilment.notes)
    agreeing = decide(GLOTIP_REQ, GLOTIP, ["2019"], glotip_table(1054), 3, [])
    assert "the publisher's totals reconciled with the sum of their parts: 1 checked, 1 match, 0 disagree" in (
        agreeing.fulfilment.notes)


def test_a_table_of_one_row_is_published():
    assert publishable(1, [])


def test_fallback_periods_are_delivered_and_named_in_the_notes():
    table = pd.DataFrame({"time_period": ["2021", "2022", "2023"], "sex": "_T", "age": "_T", "obs_value": 1.0})
    d = decide(COVID, MINSA, ["2024", "2025"], table, 3, [], fallback=["2021", "2022", "2023"])
    assert d.fulfilment.fallback_periods == ["2021", "2022", "2023"]
    assert "the latest periods available instead: 2021 to 2023" in d.fulfilment.notes


def test_a_provisional_period_without_a_known_end_says_so_without_a_date():
    f = fulfilment(COVID, MINSA, ["2020-08", "2020-09"], ["2020-08"], 6, 0, provisional=["2020-09"])
    assert ("2020-09: the source gives only part of this period: published as provisional (obs_status P), "
            "not counted as covered") in f.notes


def test_estimates_are_said_to_be_estimates():
    req = CAT.requests["04-irregular-estimates"]
    source = CAT.sources[req.source]
    f = fulfilment(req, source, ["2024"], ["2024"], 5, 0)
    assert f.estimate is True and "figures are estimates (obs_status E)" in f.notes
    assert (f.request, f.asked) == ("04-irregular-estimates", [d for d, _ in req.dimensions()])


def test_a_missing_breakdown_has_its_reason_in_english_and_spanish():
    f = fulfilment(COVID.model_copy(update={"unavailable": {}}), MINSA, ["2020-03"], ["2020-03"], 3, 0,
                   empty_breakdowns=["age"])
    assert f.missing_breakdowns["age"] == {
        "en": "the source gives no age breakdown for the periods published",
        "es": "la fuente no da la desagregación por age para los periodos publicados"}


def test_no_rows_or_no_covered_period_is_unavailable():
    assert fulfilment(COVID, MINSA, ["2020-03"], ["2020-03"], 0, 0).status == Status.UNAVAILABLE
    assert fulfilment(COVID, MINSA, ["2020-03"], [], 5, 0).status == Status.UNAVAILABLE


def test_a_breakdown_coded_not_applicable_or_unknown_only_is_not_delivered_and_others_are_checked():
    from validators.decisions import empty_breakdowns

    table = pd.DataFrame({"time_period": "2020", "x": ["_T", "_Z", "_U"], "sex": ["_T", "_T", "_T"],
                          "age": ["_T", "_T", "Y0T4"], "obs_value": [3.0, 1.0, 2.0]})
    assert empty_breakdowns(table, ["nationality", "x", "sex", "age"]) == ["x", "sex"]


def test_publisher_totals_that_disagree_are_listed_up_to_six_and_counted_beyond():
    gaps = [finding("total_equals_parts", "r", severity="warning", prefix=p, detail=f"total {i}")
            for i in range(8) for p in ("", "gx:")][::2]
    other_warning = finding("period_coverage", "r", detail="the source gives no data for 1 requested period(s): x")
    error_gap = finding("total_equals_parts", "r", detail="total 99")
    (note,) = publisher_total_notes([*gaps, other_warning, error_gap])
    shown = "; ".join(f"{g.message}" for g in sorted(gaps, key=lambda g: g.message)[:6])
    assert note == f"the publisher's totals disagree with its parts, published as printed: {shown} (and 2 more)"
    six = publisher_total_notes(gaps[:6])[0]
    assert not six.endswith("more)")
    prefixed = finding("total_equals_parts", "r", severity="warning", prefix="gx:", detail="total 7")
    assert publisher_total_notes([prefixed]) == [
        f"the publisher's totals disagree with its parts, published as printed: {prefixed.message}"]


def test_totals_notes_name_a_breakdown_without_a_total_and_why():
    table = pd.DataFrame({"time_period": "2019", "sex": ["F", "M"], "obs_value": [1.0, 2.0]})
    notes = totals_notes(GLOTIP.model_copy(update={"totals_why": "UNODC prints no total."}), table, ["sex"])
    assert notes == [("sex: no total (_T) is published; the publisher prints none and it is not derived: "
                      "UNODC prints no total.")]
    assert totals_notes(GLOTIP, table.iloc[0:0], ["sex"]) == []


def test_reconciliation_by_source_adds_up_every_request_of_a_source():
    rec = {"checked": 2, "match": 1, "mismatch": 1, "examples": ["e"]}
    out = reconciliation_by_source({"a": ("s", None), "b": ("s", rec), "c": ("s", rec)})
    assert out == {"s": {"checked": 4, "match": 2, "mismatch": 2, "examples": ["b: e", "c: e"],
                         "requests": ["b", "c"]}}


def test_the_codes_grouped_as_other_are_named_for_reviewers():
    req = CAT.requests["40a-movements"]
    assert grouped_notes(req, {"nationality": ["BEL", "XXA"], "sex": []}) == [
        "nationality: 2 code(s) with fewer than 1000 records in the source are published together as _O: BEL, XXA"]


def test_a_table_giving_sex_not_stated_only_in_total_tells_the_reader_how_to_read_around_it():
    assert totals_only_notes(CAT.requests["40a-movements"]) == [
        "sex _U and sex _T (all together) are published in total and by direction only: by any other breakdown, "
        "add the sex codes published; sex _U there is at most its total"]
    assert totals_only_notes(CAT.requests["04-returns"]) == [
        "sex _U and sex _T (all together) are published in total only: by any other breakdown, "
        "add the sex codes published; sex _U there is at most its total"]
    assert totals_only_notes(CAT.requests["40c-expulsions"]) == []
