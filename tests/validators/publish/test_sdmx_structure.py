"""The SDMX structures as a pure function of the specs: what a DSD holds for a request, and the same
specs giving the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import Settings
from validators.publish.formats.sdmx_ml import structure_message
from validators.publish.sdmx import DEFAULT_AGENCY, BadAgency, build_structures
from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "specs")[0]


def test_one_dataflow_per_request_and_every_codelist_of_the_specs_in_both_languages(catalogue):
    s = build_structures(catalogue)
    assert len(s.dataflows) == len(catalogue.requests)
    own = {cl.ref.id: cl for cl in s.codelists if cl.ref.agency == DEFAULT_AGENCY}
    assert {f"CL_{c.upper()}" for c in catalogue.codelists} <= set(own)
    assert dict(own["CL_SEX"].names) == {"en": "Sex", "es": "Sexo"}
    assert dict(next(i for i in own["CL_AGE_CHILD_ADULT"].items if i.id == "_T").names) == {"en": "Total", "es": "Total"}
    assert [(cl.ref.agency, cl.ref.id) for cl in s.codelists][-2:] == [("SDMX", "CL_OBS_STATUS"), ("SDMX", "CL_CONF_STATUS")]


def test_a_requests_dsd_has_its_delivered_breakdowns_then_time_and_bound_codelists(catalogue):
    flow = build_structures(catalogue).dataflow("40h-trafficking-victims")
    assert [(d.id, d.codelist and d.codelist.id) for d in flow.dimensions] == [
        ("SEX", "CL_SEX"), ("AGE", "CL_AGE_CHILD_ADULT"), ("TRAFFICKING_PURPOSE", "CL_TRAFFICKING_PURPOSE"),
        ("NATIONALITY", "CL_NATIONALITY"), ("TIME_PERIOD", None)]
    assert [(a.id, a.mandatory, a.dataset_level) for a in flow.attributes] == [
        ("UNIT_MEASURE", True, False), ("OBS_STATUS", True, False), ("CONF_STATUS", True, False),
        ("COMMENT_DSET", False, True)]
    unavailable = build_structures(catalogue).dataflow("40f-covid-deaths")
    assert "NATIONALITY" not in [d.id for d in unavailable.dimensions]
    assert [a.title for a in unavailable.annotations if a.type == "UNAVAILABLE_BREAKDOWN"] == ["NATIONALITY"]


def test_a_table_without_breakdowns_is_keyed_by_the_reporting_state(catalogue):
    flow = build_structures(catalogue).dataflow("40g-remittances")
    assert [d.id for d in flow.dimensions] == ["REF_AREA", "TIME_PERIOD"]


def test_the_same_specs_give_the_same_structure_message(catalogue):
    again = load_catalogue(ROOT / "specs")[0]
    one = structure_message(build_structures(catalogue, "INEI"), "INEI_2025-12-31", "2026-01-02T03:04:05+00:00")
    two = structure_message(build_structures(again, "INEI"), "INEI_2025-12-31", "2026-01-02T03:04:05+00:00")
    assert one == two and b'agencyID="INEI"' in one


def test_the_agency_is_an_sdmx_id_and_the_settings_default_is_the_builders(catalogue):
    with pytest.raises(BadAgency, match="SDMX agency id 'UN OHCHR' is not an SDMX id"):
        build_structures(catalogue, "UN OHCHR")
    assert Settings().sdmx_agency == DEFAULT_AGENCY
    assert Settings.from_env({"LOIPR_SDMX_AGENCY": "INEI"}).sdmx_agency == "INEI"
