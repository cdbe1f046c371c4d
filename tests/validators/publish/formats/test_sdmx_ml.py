"""sdmx/structure.xml for a tiny set of structures (one dataflow of two dimensions, a codelist of
ours and one of the SDMX agency, the concepts they use): the message byte for byte, then read back
by a real SDMX client (pysdmx, which validates it against the SDMX-ML 2.1 XML Schema).

tests/fixtures/sdmx_ml/structure.xml is the message a reader gets: every element and attribute in
the schema's order, names in both languages, an annotation with and one without a title, a
mandatory observation attribute on a codelist and a conditional data-set attribute in free text.
"""

from __future__ import annotations

from pathlib import Path

from pysdmx.io import read_sdmx
from pysdmx.model import Role

from validators.publish.formats import sdmx_ml
from validators.publish.sdmx import Annotation, CodeList, Component, Dataflow, Item, Ref, Structures

EXPECTED = Path(__file__).resolve().parents[3] / "fixtures" / "sdmx_ml" / "structure.xml"
PREPARED = "2026-01-02T03:04:05+00:00"


def tiny() -> Structures:
    sex = CodeList(Ref("INEI", "CL_SEX"), (("en", "Sex"), ("es", "Sexo")),
                   (Item("F", (("en", "Female"), ("es", "Mujeres"))), Item("_T", (("en", "Total"), ("es", "Total")))))
    status = CodeList(Ref("SDMX", "CL_OBS_STATUS", "2.2"), (("en", "Observation status"),),
                      (Item("A", (("en", "Normal value"),)),), "SDMX cross-domain code list")
    concepts = (Item("SEX", (("en", "Sex"), ("es", "Sexo"))), Item("TIME_PERIOD", (("en", "Time period"),)),
                Item("OBS_VALUE", (("en", "Observation value"),)), Item("OBS_STATUS", (("en", "Observation status"),)),
                Item("COMMENT_DSET", (("en", "Data set comment"),)))
    flow = Dataflow(Ref("INEI", "DF_40F_COVID_DEATHS"), Ref("INEI", "DSD_40F_COVID_DEATHS"), "40f-covid-deaths",
                    (("en", "Deaths from COVID-19, by sex"), ("es", "Fallecidos por COVID-19, por sexo")),
                    (Component("SEX", "sex", Ref("INEI", "CL_SEX")), Component("TIME_PERIOD", "time_period")),
                    (Component("OBS_STATUS", "obs_status", status.ref),
                     Component("COMMENT_DSET", "notes", None, mandatory=False, dataset_level=True)),
                    (Annotation("PARAGRAPH", "40(f)", (("en", "The number who have died"),)),
                     Annotation("PROXY", "", (("en", "Deaths of all residents"), ("es", "Fallecidos residentes")))))
    return Structures("INEI", (sex, status), concepts, (flow,))


def test_the_structure_message_is_written_byte_for_byte(tmp_path):
    sdmx_ml.write(tiny(), tmp_path / "structure.xml", "INEI_2025-12-31", PREPARED)
    assert (tmp_path / "structure.xml").read_text(encoding="utf-8") == EXPECTED.read_text(encoding="utf-8")
    assert (tmp_path / "structure.xml").read_bytes() == EXPECTED.read_bytes()


def test_a_dataflow_without_annotations_has_no_annotations_element():
    s = tiny()
    bare = Structures(s.agency, s.codelists, s.concepts,
                      (Dataflow(**{**s.dataflows[0].__dict__, "annotations": ()}),))
    message = sdmx_ml.structure_message(bare, "INEI_2025-12-31", PREPARED).decode()
    assert "Annotation" not in message and 'urn="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=' in message


def test_the_message_reads_back_in_an_sdmx_client_with_its_names_codes_and_components():
    message = read_sdmx(EXPECTED, validate=True)
    flow = message.get_dataflow("Dataflow=INEI:DF_40F_COVID_DEATHS(1.0)")
    assert flow.name == "Deaths from COVID-19, by sex"
    assert [(a.type, a.title, a.text) for a in flow.annotations] == [
        ("PARAGRAPH", "40(f)", "The number who have died"), ("PROXY", None, "Deaths of all residents")]
    sex = message.get_codelist("Codelist=INEI:CL_SEX(1.0)")
    assert [(c.id, c.name) for c in sex.codes] == [("F", "Female"), ("_T", "Total")]
    status = message.get_codelist("Codelist=SDMX:CL_OBS_STATUS(2.2)")
    assert status.description == "SDMX cross-domain code list"
    dsd = message.get_data_structure_definition("DataStructure=INEI:DSD_40F_COVID_DEATHS(1.0)")
    assert [(c.id, c.role, c.required, c.attachment_level, codes(c), c.local_dtype and str(c.local_dtype))
            for c in dsd.components] == [
        ("SEX", Role.DIMENSION, True, None, ["F", "_T"], None),
        ("TIME_PERIOD", Role.DIMENSION, True, None, None, "ObservationalTimePeriod"),
        ("OBS_VALUE", Role.MEASURE, True, None, None, None),
        ("OBS_STATUS", Role.ATTRIBUTE, True, "O", ["A"], None),
        ("COMMENT_DSET", Role.ATTRIBUTE, False, "D", None, "String")]
    assert [c.concept.name for c in dsd.components][:2] == ["Sex", "Time period"]


def codes(component) -> list[str] | None:
    return component.local_codes and [c.id for c in component.local_codes]
