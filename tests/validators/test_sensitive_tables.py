"""Sensitive tables (victims, children, deaths) get the stricter threshold of 5, whether the request
spec declares them sensitive or a breakdown's codelist is; other tables the default of 3. Tested
through the edition's disclosure control (`protect_edition`, the package's public function) on the
real request specs: a count of 4 is withheld in a sensitive table and published in another."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.catalogue import real_catalogue
from validators.disclosure import protect_edition
from validators.spec.model import Request

ROOT = Path(__file__).resolve().parents[2]
CAT = real_catalogue()


def by_sex(counts: dict[str, int], dims: list[str]) -> pd.DataFrame:
    """A table broken down by sex only (every other breakdown at its total)."""
    rows = {**counts, "_T": sum(counts.values())}
    return pd.DataFrame([{"time_period": "2020", "sex": s, **{d: "_T" for d in dims if d != "sex"},
                          "obs_value": float(v), "unit_measure": "PS", "obs_status": "A", "conf_status": "F"}
                         for s, v in rows.items()])


def four_withheld(req: Request) -> tuple[bool, int]:
    """(the count of 4 withheld?, the threshold the manifest records)."""
    dims = [d for d, _ in req.delivered_dimensions()]
    out, report = protect_edition({req.id: by_sex({"F": 4, "M": 40}, dims)}, {req.id: req}, CAT.codelists)
    cell = out[req.id].loc[out[req.id]["sex"] == "F", "conf_status"].item()
    return cell in ("C", "D"), report[req.id]["threshold"]


def request_by_sex(**extra) -> Request:
    return Request.model_validate({
        "id": "40x-persons", "paragraph": "40(x)", "title": {"en": "Persons", "es": "Personas"},
        "asks": "Persons, disaggregated by sex", "source": "minsa-covid-deaths",
        "measure": {"kind": "count", "unit": "PS", "what": {"en": "persons", "es": "personas"}},
        "period": {"from": "2020-01-01", "frequency": "year"}, **extra})


def test_a_request_declared_sensitive_without_a_threshold_withholds_a_count_of_4():
    req = CAT.requests["40h-police-complaints"]  # sensitive: true, no threshold of its own
    assert req.sensitive is True and req.threshold is None
    assert four_withheld(req.model_copy(update={"cross": [], "breakdowns": ["sex"]})) == (True, 5)


def test_a_breakdown_by_a_sensitive_codelist_makes_the_table_sensitive():
    req = request_by_sex(breakdowns=["sex", "trafficking_purpose"])  # not declared: the codelist is sensitive
    assert four_withheld(req) == (True, 5)


def test_a_table_that_is_not_sensitive_publishes_a_count_of_4():
    assert four_withheld(request_by_sex(breakdowns=["sex"])) == (False, 3)
