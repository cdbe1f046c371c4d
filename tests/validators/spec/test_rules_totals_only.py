"""The totals-only rule on its own, against the real catalogue: what a steward is told, where, word
for word, and that the catalogue's own use of it is left alone (helpers in rulecases.py)."""

from __future__ import annotations

from tests.validators.spec.rulecases import hits, request
from validators.spec.model import TotalsOnly


def _only(**items) -> dict[str, TotalsOnly]:
    return {dim: TotalsOnly(**spec) for dim, spec in items.items()}


def test_the_catalogues_tables_giving_sex_not_stated_only_in_total_pass(cat):
    for rid in ("40a-movements", "04-labour-movements", "04-returns"):
        assert cat.requests[rid].totals_only["sex"].code == "_U"
        assert hits(cat, "totals-only", cat.requests[rid]) == []


def test_totals_only_needs_a_breakdown_its_code_and_breakdowns_to_cross_with(cat):
    req = request(cat, totals_only=_only(sexo={"code": "_U"},
                                         sex={"code": "U", "crossed_with": ["direccion", "sex"]}))
    assert hits(cat, "totals-only", req) == [
        (("totals_only", "sexo"), "'sexo' is not among the breakdowns; did you mean 'sex'?"),
        (("totals_only", "sex", "code"), "codelist 'sex' has no code 'U'; did you mean '_U'?"),
        (("totals_only", "sex", "crossed_with", 0),
         "'direccion' is not among the other breakdowns; did you mean 'direction'?"),
        (("totals_only", "sex", "crossed_with", 1),
         "'sex' is not among the other breakdowns; expected one of: age, direction, nationality"),
    ]


def test_totals_only_is_refused_on_a_source_that_publishes_its_own_cells(cat):
    req = request(cat, "40a-movements-iom", totals_only=_only(direction={"code": "_U"}))
    assert hits(cat, "totals-only", req) == [
        (("totals_only", "direction"), "source 'iom-movements' publishes its own cells, which are published "
                                       "as given; remove totals_only")]


def test_a_combination_without_the_breakdown_that_would_give_its_code_back_is_named_with_the_fix(cat):
    """Nationality for everyone together, less men and women by nationality, is sex not stated by
    nationality: the very counts the spec publishes only in total."""
    req = request(cat, cross=[["direction", "nationality", "sex"], ["direction", "nationality"], ["age", "sex"]],
                  totals_only=_only(sex={"code": "_U", "crossed_with": ["direction"]}))
    assert hits(cat, "totals-only", req) == [
        (("cross", 1), "this combination gives 'nationality' for every 'sex' together: less each 'sex' published "
                       "by 'nationality', it gives the code published only in total back; add 'sex' to it, or "
                       "'nationality' to totals_only.sex.crossed_with")]
    crossed = request(cat, cross=[["direction", "nationality", "sex"], ["direction", "nationality"], ["age", "sex"]],
                      totals_only=_only(sex={"code": "_U", "crossed_with": ["direction", "nationality"]}))
    assert hits(cat, "totals-only", crossed) == []
