"""One typed Finding, one catalogue of kinds: messages, severities and the findings.csv row."""

from __future__ import annotations

import pytest

from validators.spec.findings import FINDING_COLUMNS, KINDS, Severity, finding, has_errors


def test_message_comes_from_the_catalogue_word_for_word():
    f = finding("code_in_codelist", "40f-covid-deaths", source_file="cube_40f-covid-deaths", row=6, column="sex",
                value="X")
    assert f.message == "'X' in sex is not a code of its codelist"
    assert f.as_row() == {"spec": "40f-covid-deaths", "source_file": "cube_40f-covid-deaths", "row": 6,
                          "column": "sex", "check": "code_in_codelist", "value": "X",
                          "message": "'X' in sex is not a code of its codelist", "severity": "error"}
    assert list(f.as_row()) == FINDING_COLUMNS


def test_load_rule_templates_are_the_ones_the_load_sql_uses():
    assert KINDS["unknown_label"].message(value="KRYPTON", col="NACIONALIDAD", codelist="nationality",
                                          spec="specs/sources/x.yaml") == (
        "'KRYPTON' in NACIONALIDAD is not mapped to a code of 'nationality'; add it to the recode of "
        "NACIONALIDAD in specs/sources/x.yaml")


def test_severity_can_be_set_by_the_spec_and_prefix_names_the_engine():
    f = finding("total_equals_parts", "s", severity="warning", detail="total over sex is 3 but its parts add up to 2")
    assert f.severity == Severity.WARNING and not has_errors([f])
    g = finding("non_negative", "s", column="obs_value", value=-3.0, prefix="gx:")
    assert g.check == "gx:non_negative" and g.value == "-3.0" and has_errors([f, g])


def test_an_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        finding("no_such_check", "s")


def test_findings_rows_never_start_a_spreadsheet_formula():
    from validators.spec.findings import finding

    row = finding("unknown_label", "s", column="SEXO", value="=cmd|' /C calc'!A0", codelist="sex").as_row()
    assert row["value"] == "'=cmd|' /C calc'!A0"
    assert row["message"].startswith("'=cmd|")  # the message quotes the value first, so it is guarded too
    assert finding("non_negative", "s", column="obs_value", value="-5").as_row()["value"] == "-5"  # a number
    assert finding("required", "s", column="@x", value="+1 more").as_row()["column"] == "'@x"
