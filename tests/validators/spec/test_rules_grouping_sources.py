"""The grouping rules and the source rules on their own, against the real catalogue: what a steward is
told, where, word for word, and that a correct spec is left alone (helpers in rulecases.py)."""

from __future__ import annotations

import dataclasses

from tests.validators.spec.rulecases import hits, request, source, unavailable

AGAIN = ("subtracting one table from another would give the rare codes back; use the same group_small.{0} "
         "in all of them")


def test_group_small_needs_a_breakdown_a_microdata_source_and_an_other_code(cat):
    req = request(cat, group_small={"nationalty": 5, "direction": 5, "nationality": 1000, "border_post": 3,
                                    "sex": 10, "age": 4})
    assert hits(cat, "group-small", req) == [
        (("group_small", "nationalty"), "'nationalty' is not among the breakdowns; did you mean 'nationality'?"),
        (("group_small", "direction"), "codelist 'direction' has no code '_O' to publish the grouped codes under; "
                                       "add one to specs/codelists/direction.yaml, e.g. {code: _O, en: Other, es: Otros}"),
        (("group_small", "border_post"), "'border_post' is not among the breakdowns; expected one of: age, direction, "
                                         "nationality, sex")]
    aggregate = request(cat, "40a-movements-iom", group_small={"nationality": 5, "sex": 3})
    assert hits(cat, "group-small", aggregate) == [
        (("group_small", "nationality"), "source 'iom-movements' publishes its own cells, which cannot be regrouped; "
                                         "remove group_small"),
        (("group_small", "sex"), "'sex' is not among the breakdowns; expected one of: direction, nationality")]


def test_group_small_of_an_unknown_source_or_codelist_is_left_to_the_rules_that_name_them(cat):
    assert hits(cat, "group-small", request(cat, source="nowhere", group_small={"nationality": 5, "x": 1})) == [
        (("group_small", "x"), "'x' is not among the breakdowns; expected one of: age, direction, nationality, sex")]
    unknown = request(cat, breakdowns=["direction", {"nationality": "nope"}], group_small={"nationality": 5})
    assert hits(cat, "group-small", unknown) == []


def _alike(cat, rid: str = "40a-movements", **changes) -> list:
    """group-small-alike on the catalogue where request `rid` has `changes` (the rule reads its siblings)."""
    changed = request(cat, rid, **changes)
    return hits(dataclasses.replace(cat, requests={**cat.requests, rid: changed}), "group-small-alike", changed)


def test_requests_of_one_source_grouping_a_breakdown_differently_are_refused(cat):
    assert _alike(cat) == []
    assert _alike(cat, group_small={"nationality": 500}) == [(("group_small", "nationality"), (
        "the requests of source 'migraciones-movements' group 'nationality' differently (04-labour-movements: "
        "below 1000; 04-returns: below 1000; 40a-movements: below 500): " + AGAIN.format("nationality")))]
    # not grouped at all: reported at the breakdown, where the steward would add the grouping
    assert _alike(cat, group_small={}) == [(("breakdowns", 1), (
        "the requests of source 'migraciones-movements' group 'nationality' differently (04-labour-movements: "
        "below 1000; 04-returns: below 1000; 40a-movements: not grouped): " + AGAIN.format("nationality")))]
    assert _alike(cat, group_small={"nationality": 1000, "sex": 5}) == [(("group_small", "sex"), (
        "the requests of source 'migraciones-movements' group 'sex' differently (04-labour-movements: not grouped; "
        "04-returns: not grouped; 40a-movements: below 5): " + AGAIN.format("sex")))]


def test_grouping_alike_ignores_undelivered_breakdowns_codelists_without_other_and_aggregates(cat):
    assert _alike(cat, group_small={}, unavailable={"nationality": unavailable(cat)}) == []
    assert _alike(cat, group_small={"nationality": 1000, "age": 5}) == []  # 'age' has no _O: group-small says so
    assert _alike(cat, "40a-movements-iom", group_small={"nationality": 5}) == []
    assert _alike(cat, "04-migrant-stock", group_small={"sex": 5}) == []  # aggregate: refused by group-small
    assert _alike(cat, source="nowhere") == []


def test_a_column_codelist_and_its_recoded_codes_must_exist(cat):
    unknown = source(cat, column="sex", codelist="sexx", recode={"MASCULINO": "MM"})
    assert hits(cat, "column-codelist", unknown) == [
        (("columns", 4, "codelist"), "'sexx' is not a known codelist; did you mean 'sex'?")]
    both = source(cat, column="direction", codelist="directon")
    both = both.model_copy(update={"columns": [c.model_copy(update={"recode": {"MASCULINO": "MM"}})
                                               if c.name == "sex" else c for c in both.columns]})
    assert hits(cat, "column-codelist", both) == [
        (("columns", 2, "codelist"), "'directon' is not a known codelist; did you mean 'direction'?"),
        (("columns", 4, "recode", "MASCULINO"), "'MM' is not a code of 'sex'; did you mean 'M'?")]
    wrong = source(cat, column="sex", recode={"MASCULINO": "MM", "X": "_T", "FEMENINO": "F"}, if_empty="_UU",
                   otherwise="Q")
    assert hits(cat, "column-codelist", wrong) == [
        (("columns", 4, "recode", "MASCULINO"), "'MM' is not a code of 'sex'; did you mean 'M'?"),
        (("columns", 4, "otherwise"), "'Q' is not a code of 'sex'"),
        (("columns", 4, "if_empty"), "'_UU' is not a code of 'sex'; did you mean '_U'?")]
    assert hits(cat, "column-codelist", source(cat, column="sex", if_empty="_T", otherwise="_U")) == []


def test_age_at_period_column_value_column_and_record_key_must_name_columns(cat):
    typo = source(cat, period_column="movment_date", record_key=["movement_id", "movment_id"])
    typo = typo.model_copy(update={"columns": [c.model_copy(update={"age_at": "movment_date"}) if c.name == "age"
                                               else c for c in typo.columns]})
    assert hits(cat, "column-references", typo) == [
        (("columns", 5, "age_at"), "'movment_date' is not a date column of this source; did you mean 'movement_date'?"),
        (("period_column",), "'movment_date' is not a column of this source; did you mean 'movement_date'?"),
        (("record_key", 1), "'movment_id' is not a column of this source; did you mean 'movement_id'?")]
    not_dates = source(cat, period_column="border_post")
    not_dates = not_dates.model_copy(update={"columns": [c.model_copy(update={"age_at": "border_post"})
                                                         if c.name == "age" else c for c in not_dates.columns]})
    assert hits(cat, "column-references", not_dates) == [
        (("columns", 5, "age_at"), "'border_post' is not a date column of this source; expected one of: movement_date"),
        (("period_column",), "'border_post' must be of type date, month or year")]


def test_an_aggregate_source_needs_a_value_column_a_microdata_source_does_not(cat):
    assert hits(cat, "column-references", source(cat, "iom-movements", value_column="person")) == [
        (("value_column",), "an aggregate source needs value_column naming one of its columns; did you mean 'persons'?")]
    assert hits(cat, "column-references", source(cat, "iom-movements", value_column=None)) == [
        (("value_column",), "an aggregate source needs value_column naming one of its columns; expected one of: "
                            "direction, month, nationality, nationality_as_printed, persons, reporting_country")]
    assert hits(cat, "column-references", source(cat, "iom-movements")) == []
    assert hits(cat, "column-references", source(cat, value_column=None)) == []


def test_a_date_format_written_as_dd_mm_yyyy_is_told_the_strftime_one(cat):
    spec = source(cat, column="movement_date", formats=["%d/%m/%Y", "dd/mm/yyyy"])
    assert hits(cat, "date-formats", spec) == [
        (("columns", 1, "formats", 1), "'dd/mm/yyyy' is not a strftime format (directives start with %, e.g. "
                                       "'%d/%m/%Y'); did you mean '%d/%m/%Y'?")]


def test_an_age_label_recoded_to_a_band_that_excludes_its_ages_is_refused(cat):
    recode = {"DE 30 A 59 AÑOS": "Y0T17", "DE 0 A 17 AÑOS": "Y0T17"}
    banded = source(cat, "migraciones-expulsions", column="age", type="code", codelist="age_child_adult", recode=recode)
    assert hits(cat, "label-in-code-range", banded) == [
        (("columns", 4, "recode", "DE 30 A 59 AÑOS"), "'DE 30 A 59 AÑOS' speaks of ages 30-59, outside Y0T17 (0-17) "
                                                     "of 'age_child_adult'; did you mean 'Y_GE18'?")]
    assert hits(cat, "label-in-code-range", source(cat, "migraciones-expulsions", column="sex", recode=recode)) == []
