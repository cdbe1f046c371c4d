"""Each lint rule on its own, against the real catalogue: what a steward is told, where, word for word,
and that a correct spec is left alone. One spec is changed at a time (model_copy), so every expected
line below is caused by that change."""

from __future__ import annotations

import dataclasses

from tests.validators.spec.rulecases import hits, period, request, source, unavailable
from validators.spec.rules import RULES, cross_reference_problems


def test_registry_runs_every_rule_on_its_own_kind_of_spec_and_the_real_specs_pass():
    kinds = {r.name: r.kind for r in RULES}
    assert len(kinds) == len(RULES) == 19
    assert {n for n, k in kinds.items() if k == "sources"} == {
        "column-codelist", "column-references", "date-formats", "label-in-code-range"}
    assert set(kinds.values()) == {"requests", "sources"}


def test_cross_reference_problems_are_located_in_the_file_that_has_them(cat):
    assert cross_reference_problems(cat) == []
    bad = request(cat, source="minsa-covid-death")
    (problem,) = cross_reference_problems(dataclasses.replace(cat, requests={**cat.requests, bad.id: bad}))
    assert str(problem) == ("specs/requests/40a-movements.yaml:9:9 source: 'minsa-covid-death' is not a known "
                            "source; did you mean 'minsa-covid-deaths'?")


def test_an_unknown_source_is_named_with_the_nearest_known_one(cat):
    assert hits(cat, "known-source", request(cat, source="minsa-covid-death")) == [
        (("source",), "'minsa-covid-death' is not a known source; did you mean 'minsa-covid-deaths'?")]
    assert hits(cat, "known-source", request(cat)) == []


def test_a_dimension_written_by_its_english_or_spanish_name_is_told_its_id(cat):
    req = request(cat, breakdowns=["direction", "Sexo", "Nationality", "sexe", {"age": "age_bands"}])
    assert hits(cat, "known-dimension", req) == [
        (("breakdowns", 1), "'Sexo' is not a known dimension; did you mean 'sex'?"),
        (("breakdowns", 2), "'Nationality' is not a known dimension; did you mean 'nationality'?"),
        (("breakdowns", 3), "'sexe' is not a known dimension; did you mean 'sex'?"),
        (("breakdowns", 4, "age"), "'age_bands' is not a known codelist; did you mean 'age_broad'?")]
    assert hits(cat, "known-dimension", request(cat)) == []


def test_a_breakdown_item_binding_two_dimensions_or_none_is_refused(cat):
    req = request(cat, breakdowns=["direction", {"sex": "sex", "age": "age"}, {}, {"age": "age"}])
    one = "write one dimension per item, e.g. '- age: age_child_adult'"
    assert hits(cat, "single-binding", req) == [(("breakdowns", 1), one), (("breakdowns", 2), one)]


def test_a_dimension_listed_twice_is_reported_at_its_second_place(cat):
    req = request(cat, breakdowns=["sex", "age", "sex", {"age": "age_broad"}])
    assert hits(cat, "repeated-dimension", req) == [
        (("breakdowns", 2), "'sex' is listed twice; keep one"), (("breakdowns", 3), "'age' is listed twice; keep one")]


def test_a_breakdown_the_source_cannot_give_is_told_to_add_the_column_or_explain_it(cat):
    req = request(cat, breakdowns=["direction", "region_pe", {"age": "sex"}, {"sex": "direction"},
                                   {"nationality": "nope"}, "legal_matter"],
                  unavailable={"legal_matter": unavailable(cat)})
    assert hits(cat, "breakdown-in-source", req) == [
        (("breakdowns", 1), "source 'migraciones-movements' has no column 'region_pe'; add it to the source or "
                            "explain under 'unavailable: {region_pe: {reason: ...}}'"),
        (("breakdowns", 2), "'age' holds ages in years: bind a codelist with age bands (min/max)"),
        (("breakdowns", 3), "source codes of 'sex' are in codelist 'sex', not 'direction'")]
    assert hits(cat, "breakdown-in-source", request(cat, breakdowns=[{"age": "age_broad"}])) == []
    assert hits(cat, "breakdown-in-source", request(cat, source="nowhere")) == []


def test_a_codelist_holding_every_source_code_may_be_bound_instead_of_the_columns_own(cat):
    wider = cat.codelists["sex"].model_copy(update={"id": "sex_wider", "codes": [
        *cat.codelists["sex"].codes, *cat.codelists["direction"].codes]})
    with_wider = dataclasses.replace(cat, codelists={**cat.codelists, "sex_wider": wider})
    assert hits(with_wider, "breakdown-in-source", request(cat, breakdowns=[{"sex": "sex_wider"}])) == []
    assert hits(with_wider, "breakdown-in-source", request(cat, breakdowns=[{"sex": "direction"}])) == [
        (("breakdowns", 0), "source codes of 'sex' are in codelist 'sex', not 'direction'")]


def test_a_codelist_with_the_same_codes_may_be_bound_and_a_skipped_item_does_not_stop_the_rule(cat):
    same = cat.codelists["sex"].model_copy(update={"id": "sex_same"})
    with_same = dataclasses.replace(cat, codelists={**cat.codelists, "sex_same": same})
    req = request(cat, breakdowns=[{"nationality": "nope"}, {"sex": "sex_same"}, "region_pe"])
    assert hits(with_same, "breakdown-in-source", req) == [
        (("breakdowns", 2), "source 'migraciones-movements' has no column 'region_pe'; add it to the source or "
                            "explain under 'unavailable: {region_pe: {reason: ...}}'")]


def test_a_source_column_with_an_unknown_codelist_does_not_stop_the_request_rules(cat):
    """column-codelist reports the source's typo; the requests binding or filtering the column say nothing."""
    typo = source(cat, column="sex", codelist="sexx")
    with_typo = dataclasses.replace(cat, sources={**cat.sources, typo.id: typo})
    assert hits(with_typo, "breakdown-in-source", request(cat, breakdowns=[{"sex": "age_broad"}])) == []
    assert hits(with_typo, "filter-column", request(cat, filters={"sex": "Q"})) == []


def test_a_breakdown_by_an_identifier_or_record_key_is_refused_as_microdata(cat):
    req = request(cat, breakdowns=["direction", "movement_id", "document_number", "border_post", "nope"])
    assert hits(cat, "no-record-grain", req) == [
        (("breakdowns", 1), "'movement_id' identifies persons or records in source 'migraciones-movements': "
                            "a table by it would publish microdata; remove it"),
        (("breakdowns", 2), "'document_number' identifies persons or records in source 'migraciones-movements': "
                            "a table by it would publish microdata; remove it")]
    # rree-consular's case_id is not personal data, but it is the record key: one row per cell
    assert hits(cat, "no-record-grain", request(cat, "17-consular-assistance", breakdowns=["sex", "case_id"])) == [
        (("breakdowns", 1), "'case_id' identifies persons or records in source 'rree-consular': "
                            "a table by it would publish microdata; remove it")]
    assert hits(cat, "no-record-grain", request(cat, source="nowhere", breakdowns=["movement_id"])) == []


def test_a_combination_naming_no_breakdown_or_a_breakdown_in_no_combination_is_reported(cat):
    req = request(cat, breakdowns=["direction", "nationality", "sex", "age", "sexe"],
                  cross=[["direction", "sexe", "nationalty"], ["sex", "agee", "border_post"]])
    assert hits(cat, "cross-of-breakdowns", req) == [
        (("cross", 0, 2), "'nationalty' is not among the breakdowns; did you mean 'nationality'?"),
        (("cross", 1, 1), "'agee' is not among the breakdowns; did you mean 'age'?"),
        (("cross", 1, 2), "'border_post' is not among the breakdowns; expected one of: age, direction, nationality, sex"),
        (("cross",), "breakdown 'nationality' appears in no combination; add it to one"),
        (("cross",), "breakdown 'age' appears in no combination; add it to one")]


def test_a_misspelt_breakdown_is_reported_once_not_again_in_cross(cat):
    req = request(cat, breakdowns=["direction", "sexe"], cross=[["direction", "sexee"]])
    assert hits(cat, "cross-of-breakdowns", req) == []
    farther = request(cat, breakdowns=["direction", "sexe"], cross=[["direction", "sexo"]])
    assert hits(cat, "cross-of-breakdowns", farther) == [
        (("cross", 0, 1), "'sexo' is not among the breakdowns; expected one of: direction")]


def test_an_unavailable_breakdown_or_no_cross_needs_no_combination(cat):
    no_age = request(cat, unavailable={"age": unavailable(cat)}, cross=[["direction", "nationality", "sex"]])
    assert hits(cat, "cross-of-breakdowns", no_age) == []
    assert hits(cat, "cross-of-breakdowns", request(cat, cross=[])) == []


def test_an_unavailable_key_must_be_a_breakdown(cat):
    req = request(cat, "04-irregular-estimates", unavailable={"occupaton": unavailable(cat), "sex": unavailable(cat)})
    assert hits(cat, "unavailable-is-breakdown", req) == [
        (("unavailable", "occupaton"), "'occupaton' is not among the breakdowns; did you mean 'occupation'?")]


def test_a_filter_on_an_unknown_or_dropped_column_or_an_unknown_code_is_reported(cat):
    req = request(cat, filters={"directon": "ENTRY", "document_number": "X", "direction": ["ENTRY", "EXTI", "_T"],
                                "sex": "Q", "border_post": "LIMA", "age": "5"})
    assert hits(cat, "filter-column", req) == [
        (("filters", "directon"), "'directon' is not a column of source 'migraciones-movements'; did you mean 'direction'?"),
        (("filters", "direction"), "'EXTI' is not a code of 'direction'; did you mean 'EXIT'?"),
        (("filters", "sex"), "'Q' is not a code of 'sex'; expected one of: F, M, _O, _T, _U")]
    dropped = request(cat, "40f-covid-deaths", filters={"birth_date": "2000", "record_id": "x"})
    assert hits(cat, "filter-column", dropped) == [
        (("filters", "birth_date"), "'birth_date' is not a column of source 'minsa-covid-deaths'; "
                                    "did you mean 'death_date'?")]
    assert hits(cat, "filter-column", request(cat, source="nowhere", filters={"x": "y"})) == []


def test_a_period_start_is_a_date_or_a_known_anchor(cat):
    assert hits(cat, "period-anchor", request(cat, period=period(cat, from_="convention-in-forse"))) == [
        (("period", "from"), "'convention-in-forse' is not a known anchor; did you mean 'convention-in-force'?")]
    assert hits(cat, "period-anchor", request(cat, period=period(cat, from_="200x-01-01"))) == [
        (("period", "from"), "'200x-01-01' is not a known anchor; expected one of: convention-in-force, "
                             "last-3-years, previous-concluding-observations, visa-requirements-2019")]
    assert hits(cat, "period-anchor", request(cat, period=period(cat, from_="2006-01-01"))) == []


def test_a_frequency_finer_than_the_source_dates_its_rows_is_refused(cat):
    yearly = request(cat, "36-irregular-entries", period=period(cat, frequency="month"))
    assert hits(cat, "period-grain", yearly) == [
        (("period", "frequency"), "source 'migraciones-irregular' dates rows by year: use 'year' or coarser")]
    assert hits(cat, "period-grain", request(cat, "36-irregular-entries", period=period(cat, frequency="year"))) == []
    assert hits(cat, "period-grain", request(cat, "40a-movements-iom", period=period(cat, frequency="quarter"))) == []
    assert hits(cat, "period-grain", request(cat, period=period(cat, frequency="month"))) == []
    assert hits(cat, "period-grain", request(cat, source="nowhere")) == []


def test_a_count_of_an_aggregate_or_a_sum_of_records_is_told_the_right_kind(cat):
    as_sum = cat.requests["40a-movements"].measure.model_copy(update={"kind": "sum"})
    assert hits(cat, "measure-fits-source", request(cat, measure=as_sum)) == [
        (("measure", "kind"), "source 'migraciones-movements' is microdata: use kind 'count'")]
    as_count = cat.requests["40a-movements"].measure
    assert hits(cat, "measure-fits-source", request(cat, "40a-movements-iom", measure=as_count)) == [
        (("measure", "kind"), "source 'iom-movements' is aggregate: use kind 'sum'")]
    assert hits(cat, "measure-fits-source", request(cat)) == []
    assert hits(cat, "measure-fits-source", request(cat, source="nowhere")) == []
