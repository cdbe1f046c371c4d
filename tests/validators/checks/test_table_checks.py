"""The schema checks of a built table, on small real tables of the 40f-covid-deaths request: a total
that disagrees with its parts either way, a duplicated key, a code outside the codelist, a negative or
fractional count, an empty free cell, a period not asked. Each is a finding with its row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.catalogue import real_catalogue
from validators.checks import TableContext, validate_table
from validators.checks.additivity import additivity_gaps, reconcile_totals
from validators.checks.schema import schema_for

ROOT = Path(__file__).resolve().parents[3]
CAT = real_catalogue()
REQ = CAT.requests["40f-covid-deaths"]  # delivered breakdowns: sex, age
CTX = TableContext(REQ, CAT.sources[REQ.source], CAT.codelists, ["2020-03", "2020-04"], ["2020-03", "2020-04"])


def table(cells: list[tuple[str, str, str, float | None]], conf: str = "F") -> pd.DataFrame:
    """(period, sex, age, value) rows, with the contract's other columns."""
    df = pd.DataFrame(cells, columns=["time_period", "sex", "age", "obs_value"])
    return df.assign(unit_measure="PS", obs_status="A", conf_status=conf)


def by_sex(total: float, f: float = 2, m: float = 3, period: str = "2020-03"):
    return [(period, "_T", "_T", total), (period, "F", "_T", f), (period, "M", "_T", m)]


def findings(df: pd.DataFrame) -> list[tuple[str, int | None, str | None]]:
    return sorted((f.check, f.row, f.column) for f in validate_table(CTX, df, gx=False).findings)


def test_a_clean_table_has_no_finding():
    assert findings(table(by_sex(5) + by_sex(7, 3, 4, "2020-04"))) == []


@pytest.mark.parametrize("total", [4, 6], ids=["total_below_its_parts", "total_above_its_parts"])
def test_additivity_flags_a_total_below_or_above_the_sum_of_its_parts(total):
    df = table(by_sex(total) + by_sex(7, 3, 4, "2020-04"))
    assert findings(df) == [("total_equals_parts", 1, "sex")]
    (detail,) = additivity_gaps(df, ["sex", "age"])["detail"]
    assert detail == f"total over sex is {total} but its parts add up to 5 (time_period=2020-03, sex=_T, age=_T)"


def test_a_total_within_what_suppressed_parts_allow_agrees_and_outside_it_does_not():
    df = table(by_sex(5, 2, None) + by_sex(9, 2, None, "2020-04")).assign(
        _upper=[5.0, 2.0, 4.0, 9.0, 2.0, 4.0])  # M is withheld by the publisher: 0 to 4
    gaps = additivity_gaps(df, ["sex", "age"])
    assert list(gaps["_idx"]) == [3]  # 9 > 2 + 4; 5 lies within 2 + 0..4
    assert gaps["detail"].iloc[0].endswith("its parts add up to between 2 and 6 (time_period=2020-04, sex=_T, age=_T)")


def test_reconciliation_counts_totals_that_match_and_disagree():
    df = table(by_sex(4) + by_sex(7, 3, 4, "2020-04"))
    found = reconcile_totals(df, ["sex", "age"])
    assert (found["checked"], found["match"], found["mismatch"]) == (2, 1, 1)
    assert found["examples"] == ["total over sex is 4 but its parts add up to 5 (time_period=2020-03, sex=_T, age=_T)"]


def test_unique_key_check_is_part_of_the_table_schema():
    assert "unique_key" in {c.name for c in schema_for(CTX).checks}


def test_a_duplicated_key_is_a_finding_on_both_rows():
    df = table(by_sex(5) + [("2020-03", "F", "_T", 3)])  # same key, another value
    assert [f for f in findings(df) if f[0] == "unique_key"] == [("unique_key", 2, None), ("unique_key", 4, None)]


def test_a_code_outside_the_codelist_a_negative_and_a_fractional_count_are_findings():
    df = table([("2020-03", "_T", "_T", 5), ("2020-03", "X", "_T", 2), ("2020-03", "M", "_T", 3),
                ("2020-04", "_T", "_T", -1), ("2020-04", "F", "_T", 0.5)])
    got = findings(df)
    assert ("code_in_codelist", 2, "sex") in got
    assert {f.value for f in validate_table(CTX, df, gx=False).findings if f.check == "code_in_codelist"} == {"X"}
    assert ("non_negative", 4, "obs_value") in got
    assert ("whole_number", 5, "obs_value") in got


def test_an_empty_free_cell_is_a_finding_but_a_withheld_one_is_not():
    free = table(by_sex(5, 2, None) + by_sex(7, 3, 4, "2020-04"))
    assert ("value_present", 3, "obs_value") in findings(free)
    withheld = free.assign(conf_status=["F", "F", "C", "F", "F", "F"])
    assert not [f for f in findings(withheld) if f[0] == "value_present"]


def test_a_period_not_asked_is_a_finding_and_a_missing_one_is_reported():
    df = table(by_sex(5) + by_sex(7, 3, 4, "2021-01"))
    got = findings(df)
    assert ("period_in_range", 4, "time_period") in got
    (coverage,) = [f for f in validate_table(CTX, df, gx=False).findings if f.check == "period_coverage"]
    assert coverage.message.endswith("the source gives no data for 1 requested period(s): 2020-04")


def test_reconciliation_shows_six_disagreements_the_widest_totals_first():
    cells = []
    for year in range(2013, 2021):  # eight grand totals, each 1 above its parts by sex
        cells += [(str(year), "_T", "_T", 6), (str(year), "F", "_T", 2), (str(year), "M", "_T", 3)]
    cells += [("2013", "F", "Y0T4", 1), ("2013", "_T", "Y0T4", 1)]  # and F's total over age: 2, not 1
    found = reconcile_totals(table(cells), ["sex", "age"])
    assert (found["checked"], found["match"], found["mismatch"]) == (10, 0, 10)
    assert found["examples"] == [
        "total over sex is 6 but its parts add up to 5 (time_period=2013, sex=_T, age=_T)",
        "total over age is 6 but its parts add up to 1 (time_period=2013, sex=_T, age=_T)",
        *[f"total over sex is 6 but its parts add up to 5 (time_period={y}, sex=_T, age=_T)" for y in range(2014, 2018)]]


def test_a_table_with_nothing_to_reconcile_reports_zero_checked():
    assert reconcile_totals(table([("2020-03", "F", "_T", 2)]), ["sex", "age"]) == {
        "checked": 0, "match": 0, "mismatch": 0, "examples": []}


def test_gx_names_the_failing_values_as_published_and_the_compound_key_by_its_columns():
    # 25 fractional counts (more than GX keeps) and one duplicated key
    cells = by_sex(5) + [("2020-04", "_T", "_T", 7.5)] + [("2020-04", s, a, 0.5) for s in ("F", "M")
                                                           for a in CAT.codelists["age"].code_set()][:25]
    df = table(cells + [("2020-03", "F", "_T", 2)])
    gx = validate_table(CTX, df, gx=True).gx_findings
    whole = [(f.row, f.column, f.value) for f in gx if f.check == "gx:whole_number"]
    assert whole[0] == (4, "obs_value", "7.5")  # the value as written, in the published column's name
    assert len(whole) == 21 and {v for _, _, v in whole[:20]} == {"7.5", "0.5"}
    assert [f.message for f in gx if f.check == "gx:whole_number"][20] == (
        "expect_column_values_to_match_regex: 26 failing values in obs_value (20 shown)")
    assert {f.column for f in gx if f.check == "gx:unique_key"} == {"time_period, sex, age"}  # both rows


def test_a_gx_suite_that_cannot_run_is_an_error_finding_naming_the_exception():
    from validators.checks.gx import suite_failure

    f = suite_failure("40f-covid-deaths", "tables/40f-covid-deaths.csv", ValueError("no such column"))
    assert (f.check, f.spec, f.source_file) == ("gx:gx_suite", "40f-covid-deaths", "tables/40f-covid-deaths.csv")
    assert f.message.endswith("ValueError: no such column")


def test_only_a_publishers_own_totals_may_soften_additivity_to_a_warning():
    glotip = CAT.requests["40h-trafficking-victims"]
    aggregate = TableContext(glotip, CAT.sources[glotip.source], CAT.codelists, ["2019"], ["2019"])
    assert aggregate.severity("total_equals_parts") == "warning"  # unodc-glotip: additivity: warning
    assert aggregate.severity("unique_key") is None
    assert CTX.severity("total_equals_parts") is None  # microdata: our own totals must add up


def test_the_periods_a_table_must_hold_come_from_the_manifest_else_the_fallback_else_the_table():
    df = table(by_sex(5))  # holds 2020-03 of the 2020-03 and 2020-04 asked
    assert CTX.periods_to_hold(df) == ["2020-03"]
    assert CTX.periods_to_hold(df.iloc[0:0]) == []
    fallback = TableContext(REQ, CTX.source, CAT.codelists, ["2024"], [], fallback=["2022", "2023"])
    assert fallback.periods_to_hold(df) == ["2022", "2023"]
    assert fallback.allowed_periods == ["2024", "2022", "2023"]
    manifest = TableContext(REQ, CTX.source, CAT.codelists, ["2024"], [], fallback=["2023"], must_hold=("2021",))
    assert manifest.periods_to_hold(df) == ["2021"]
    assert CTX.codes("sex") == ["F", "M", "_O", "_T", "_U"]


def test_schema_findings_carry_the_value_and_where_the_row_sits():
    df = table(by_sex(6) + by_sex(7, 3, 4, "2020-04") + [("2020-04", "F", "_T", 3)])
    found = {f.check: f for f in sorted(validate_table(CTX, df, gx=False).findings, key=lambda f: -(f.row or 0))}
    gap = found["total_equals_parts"]  # the first (2020-04's total disagrees with its duplicated part too)
    assert (gap.row, gap.column, gap.value) == (1, "sex", "6")
    assert gap.message.endswith("total over sex is 6 but its parts add up to 5 (time_period=2020-03, sex=_T, age=_T)")
    assert found["unique_key"].message == "the row time_period=2020-04, sex=F, age=_T appears more than once"


@pytest.mark.parametrize("n, said", [
    (6, "the source gives no data for 6 requested period(s): p1, p2, p3, p4, p5, p6"),
    (7, "the source gives no data for 7 requested period(s): p1, p2, p3, p4, p5, p6 and 1 more"),
    (9, "the source gives no data for 9 requested period(s): p1, p2, p3, p4, p5, p6 and 3 more")])
def test_missing_periods_are_named_up_to_six_then_counted(n, said):
    from validators.checks.additivity import describe_missing

    assert describe_missing([f"p{i}" for i in range(1, n + 1)]) == said


def test_a_missing_cell_may_be_empty_but_a_free_one_may_not():
    from validators.checks.additivity import value_present

    df = table([("2020", "F", "_T", None), ("2020", "M", "_T", None), ("2020", "_T", "_T", 3)])
    df["obs_status"] = ["M", "A", "A"]
    assert value_present(df).tolist() == [True, False, True]
    assert value_present(df.drop(columns="obs_status")).tolist() == [False, False, True]


def test_a_table_missing_an_asked_column_is_a_finding_naming_it_not_a_crash():
    got = [(f.check, f.column, f.message) for f in validate_table(CTX, table(by_sex(5)).drop(columns="age"),
                                                                   gx=False).findings if f.check == "column_present"]
    assert got == [("column_present", "age", "the table has no column 'age' that the spec asks for")]


def test_a_withheld_cell_may_be_empty_in_a_publishers_table_but_not_in_a_count_of_ours():
    glotip = CAT.requests["40h-trafficking-victims"]
    dims = [d for d, _ in glotip.delivered_dimensions()]
    ctx = TableContext(glotip, CAT.sources[glotip.source], CAT.codelists, ["2019"], ["2019"])
    rows = pd.DataFrame([{"time_period": "2019", **{d: "_T" for d in dims}, "obs_value": v, "unit_measure": "PS",
                          "obs_status": "A", "conf_status": c} for v, c in ((None, "C"),)])
    assert validate_table(ctx, rows, gx=False).findings == []
    ours = table([("2020-03", "_T", "_T", None), ("2020-04", "_T", "_T", 1)], conf="C")
    assert "obs_value" in {f.column for f in validate_table(CTX, ours, gx=False).findings}  # not nullable
