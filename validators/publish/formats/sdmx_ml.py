"""sdmx/structure.xml: the edition's SDMX structures as one SDMX-ML 2.1 structure message.

SDMX-ML 2.1 rather than 3.0: it is the version every SDMX client and the .Stat Suite read, and its
XML Schema is what pysdmx validates a structure message against when reading it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from validators.publish.sdmx import (
    CONCEPT_SCHEME,
    MEASURE,
    TIME,
    VERSION,
    Annotation,
    CodeList,
    Component,
    Dataflow,
    Item,
    Ref,
    Structures,
)

SUFFIX = "xml"
NS = {"mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
      "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
      "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
URN = "urn:sdmx:org.sdmx.infomodel"
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, q(name), {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def names(parent: ET.Element, labels: tuple[tuple[str, str], ...], tag: str = "com:Name") -> None:
    for lang, text in labels:
        sub(parent, tag, text, **{LANG: lang})


def annotations(parent: ET.Element, notes: tuple[Annotation, ...]) -> None:
    if not notes:
        return
    box = sub(parent, "com:Annotations")
    for a in notes:
        el = sub(box, "com:Annotation")
        if a.title:
            sub(el, "com:AnnotationTitle", a.title)
        sub(el, "com:AnnotationType", a.type)
        names(el, a.texts, "com:AnnotationText")


def maintainable(parent: ET.Element, tag: str, ref: Ref, cls: str) -> ET.Element:
    return sub(parent, tag, id=ref.id, agencyID=ref.agency, version=ref.version, isFinal="false",
               urn=f"{URN}.{cls}={ref.agency}:{ref.id}({ref.version})")


def ref(parent: ET.Element, ref_: Ref, **extra: str) -> None:
    ET.SubElement(parent, "Ref", {"id": ref_.id, "agencyID": ref_.agency, "version": ref_.version, **extra})


def codelist(parent: ET.Element, cl: CodeList) -> None:
    el = maintainable(parent, "str:Codelist", cl.ref, "codelist.Codelist")
    names(el, cl.names)
    if cl.description:
        sub(el, "com:Description", cl.description, **{LANG: "en"})
    for item in cl.items:
        names(sub(el, "str:Code", id=item.id, urn=f"{URN}.codelist.Code={cl.ref.agency}:{cl.ref.id}"
                  f"({cl.ref.version}).{item.id}"), item.names)


def concept_scheme(parent: ET.Element, agency: str, concepts: tuple[Item, ...]) -> None:
    scheme = Ref(agency, CONCEPT_SCHEME)
    el = maintainable(parent, "str:ConceptScheme", scheme, "conceptscheme.ConceptScheme")
    names(el, (("en", "Concepts of the list of issues' statistics"), ("es", "Conceptos de las estadísticas de la lista de cuestiones")))
    for c in concepts:
        names(sub(el, "str:Concept", id=c.id, urn=f"{URN}.conceptscheme.Concept={agency}:{CONCEPT_SCHEME}"
                  f"({VERSION}).{c.id}"), c.names)


def identity(parent: ET.Element, agency: str, concept: str) -> None:
    box = sub(parent, "str:ConceptIdentity")
    ET.SubElement(box, "Ref", {"id": concept, "maintainableParentID": CONCEPT_SCHEME,
                               "maintainableParentVersion": VERSION, "agencyID": agency,
                               "package": "conceptscheme", "class": "Concept"})


def representation(parent: ET.Element, c: Component, text_type: str = "String") -> None:
    box = sub(parent, "str:LocalRepresentation")
    if c.codelist is None:
        sub(box, "str:TextFormat", textType=text_type)
    else:
        ref(sub(box, "str:Enumeration"), c.codelist, package="codelist", **{"class": "Codelist"})


def data_structure(parent: ET.Element, agency: str, flow: Dataflow) -> None:
    el = maintainable(parent, "str:DataStructure", flow.dsd, "datastructure.DataStructure")
    names(el, flow.names)
    parts = sub(el, "str:DataStructureComponents")
    dims = sub(parts, "str:DimensionList", id="DimensionDescriptor")
    for position, d in enumerate(flow.dimensions, start=1):
        tag = "str:TimeDimension" if d.id == TIME else "str:Dimension"
        dim = sub(dims, tag, id=d.id, position=str(position))
        identity(dim, agency, d.id)
        representation(dim, d, "ObservationalTimePeriod")
    attrs = sub(parts, "str:AttributeList", id="AttributeDescriptor")
    for a in flow.attributes:
        attr = sub(attrs, "str:Attribute", id=a.id, assignmentStatus="Mandatory" if a.mandatory else "Conditional")
        identity(attr, agency, a.id)
        representation(attr, a)
        relation = sub(attr, "str:AttributeRelationship")
        if a.dataset_level:
            sub(relation, "str:None")
        else:
            ET.SubElement(sub(relation, "str:PrimaryMeasure"), "Ref", {"id": MEASURE})
    measure = sub(sub(parts, "str:MeasureList", id="MeasureDescriptor"), "str:PrimaryMeasure", id=MEASURE)
    identity(measure, agency, MEASURE)


def dataflow(parent: ET.Element, flow: Dataflow) -> None:
    el = maintainable(parent, "str:Dataflow", flow.ref, "datastructure.Dataflow")
    annotations(el, flow.annotations)
    names(el, flow.names)
    ref(sub(el, "str:Structure"), flow.dsd, package="datastructure", **{"class": "DataStructure"})


def structure_message(s: Structures, message_id: str, prepared: str) -> bytes:
    """The whole message; `prepared` is the edition's creation time (ISO 8601), so the same edition
    gives the same bytes."""
    root = ET.Element(q("mes:Structure"))
    header = sub(root, "mes:Header")
    sub(header, "mes:ID", message_id)
    sub(header, "mes:Test", "false")
    sub(header, "mes:Prepared", prepared)
    sub(header, "mes:Sender", id=s.agency)
    body = sub(root, "mes:Structures")  # the order of the XML Schema: dataflows, codelists, concepts, DSDs
    flows = sub(body, "str:Dataflows")
    for flow in s.dataflows:
        dataflow(flows, flow)
    lists = sub(body, "str:Codelists")
    for cl in s.codelists:
        codelist(lists, cl)
    concept_scheme(sub(body, "str:Concepts"), s.agency, s.concepts)
    dsds = sub(body, "str:DataStructures")
    for flow in s.dataflows:
        data_structure(dsds, s.agency, flow)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write(s: Structures, path: Path, message_id: str, prepared: str) -> None:
    path.write_bytes(structure_message(s, message_id, prepared))
