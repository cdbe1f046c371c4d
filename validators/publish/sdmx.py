"""The SDMX structures of an edition, as a pure function of the catalogue (the specs) and an agency id.

Codelists come from specs/codelists/ (English and Spanish names, plus the total code each declares),
one data structure definition (DSD) and one dataflow per request. The DSD's dimensions are the
request's delivered breakdowns and TIME_PERIOD; OBS_VALUE is the measure; UNIT_MEASURE, OBS_STATUS
and CONF_STATUS are mandatory attributes of each observation (the last two on the SDMX cross-domain
code lists), and COMMENT_DSET, optional and attached to the whole data set, carries the table's notes
of an edition. The dataflow is annotated with what the committee asked (paragraph, words), what
one unit is, and what the table is not (proxy, context only, breakdowns the source cannot give).
The writers are in formats/sdmx_ml.py (structure) and formats/sdmx_csv.py (data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from validators.spec.catalogue import Catalogue
from validators.spec.model import Codelist, Request

from .sdmx_codes import CONF_STATUS_CODES, CROSS_DOMAIN, OBS_STATUS_CODES, STANDARD_CONCEPTS, UNITS

VERSION = "1.0"
DEFAULT_AGENCY = "LOIPR"
CONCEPT_SCHEME = "CS_LOIPR"
UNIT_CODELIST = "CL_UNIT_MEASURE"
TIME = "TIME_PERIOD"
MEASURE = "OBS_VALUE"
NOTES = "COMMENT_DSET"
# A table with no breakdown (a national total) still needs one dimension besides time: SDMX clients
# (pysdmx) refuse a DSD without one. It gets REF_AREA, the reporting State of the list of issues.
AREA = "REF_AREA"
AREA_CODELIST = "CL_REF_AREA"
REPORTING_STATE = ("PER", "Peru", "Perú")


@dataclass(frozen=True)
class Ref:
    agency: str
    id: str
    version: str = VERSION


@dataclass(frozen=True)
class Item:
    """A code or a concept: its id and its names by language."""
    id: str
    names: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CodeList:
    ref: Ref
    names: tuple[tuple[str, str], ...]
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class Component:
    id: str                      # the concept id, e.g. SEX
    column: str                  # the published table's column, e.g. sex
    codelist: Ref | None = None  # None: free text (TIME_PERIOD, OBS_VALUE, COMMENT_DSET)
    mandatory: bool = True
    dataset_level: bool = False  # attributes: attached to the data set, not to each observation


@dataclass(frozen=True)
class Annotation:
    type: str
    title: str = ""
    texts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dataflow:
    ref: Ref
    dsd: Ref
    request: str
    names: tuple[tuple[str, str], ...]
    dimensions: tuple[Component, ...]  # breakdowns in spec order, then TIME_PERIOD
    attributes: tuple[Component, ...]
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class Structures:
    agency: str
    codelists: tuple[CodeList, ...]
    concepts: tuple[Item, ...]
    dataflows: tuple[Dataflow, ...]

    def dataflow(self, request_id: str) -> Dataflow:
        return next(f for f in self.dataflows if f.request == request_id)


def sdmx_id(name: str) -> str:
    """An SDMX identifier from a spec id: upper case, hyphens as underscores (40h-trafficking -> 40H_TRAFFICKING)."""
    return name.upper().replace("-", "_")


def codelist_id(codelist: str) -> str:
    return f"CL_{sdmx_id(codelist)}"


def spec_codelist(cl: Codelist, agency: str) -> CodeList:
    """A codelist of specs/codelists/, with its total code (_T) added where the YAML only declares it."""
    items = [Item(c.code, (("en", c.en), ("es", c.es))) for c in cl.codes]
    if cl.total not in cl.code_set():
        items.append(Item(cl.total, (("en", "Total"), ("es", "Total"))))
    return CodeList(Ref(agency, codelist_id(cl.id)), (("en", cl.name.en), ("es", cl.name.es)), tuple(items),
                    cl.reference)


def unit_codelist(catalogue: Catalogue, agency: str) -> CodeList:
    """The units the requests publish in (PS, NUMBER, USD); a unit without a known name is named by its code."""
    units = sorted({r.measure.unit for r in catalogue.requests.values()})
    items = tuple(Item(u, UNITS.get(u, (("en", u), ("es", u)))) for u in units)
    return CodeList(Ref(agency, UNIT_CODELIST), (("en", "Unit of measure"), ("es", "Unidad de medida")), items)


def area_codelist(agency: str) -> CodeList:
    code, en, es = REPORTING_STATE
    return CodeList(Ref(agency, AREA_CODELIST), (("en", "Reference area"), ("es", "Área de referencia")),
                    (Item(code, (("en", en), ("es", es))),), "ISO 3166-1 alpha-3")


def concepts(catalogue: Catalogue) -> tuple[Item, ...]:
    """One concept per breakdown (named like the codelist of the same id, else the first bound to it),
    then the standard ones."""
    named: dict[str, tuple[tuple[str, str], ...]] = {}
    for req in sorted(catalogue.requests.values(), key=lambda r: r.id):
        for dim, cl_id in req.dimensions():
            cl = catalogue.codelists.get(dim) or catalogue.codelists.get(cl_id)
            if cl is not None:
                named.setdefault(dim, (("en", cl.name.en), ("es", cl.name.es)))
    own = [Item(sdmx_id(d), names) for d, names in sorted(named.items())]
    return tuple(own) + tuple(Item(i, names) for i, names in STANDARD_CONCEPTS.items())


def labels(en: str, es: str) -> tuple[tuple[str, str], ...]:
    return (("en", " ".join(en.split())), ("es", " ".join(es.split())))


def request_annotations(req: Request, catalogue: Catalogue) -> tuple[Annotation, ...]:
    """What a reader of the dataflow needs beside the figures: the paragraph and words of the
    committee, what one unit is, the source, and what the table is not."""
    out = [Annotation("PARAGRAPH", ", ".join(req.paragraphs), (("en", " ".join(req.asks.split())),)),
           Annotation("REQUEST_ID", req.id),
           Annotation("UNIT_DEFINITION", req.measure.unit, labels(req.measure.what.en, req.measure.what.es))]
    source = catalogue.sources.get(req.source)
    if source is not None:
        out.append(Annotation("SOURCE", req.source, labels(source.owner.en, source.owner.es)))
    if req.proxy is not None:
        out.append(Annotation("PROXY", "", labels(req.proxy.en, req.proxy.es)))
    if req.context is not None:
        out.append(Annotation("CONTEXT_ONLY", "", labels(req.context.en, req.context.es)))
    for dim, why in req.unavailable.items():
        out.append(Annotation("UNAVAILABLE_BREAKDOWN", sdmx_id(dim), labels(why.reason.en, why.reason.es)))
    return tuple(out)


def cross_domain(codelist: str, codes: dict[str, str]) -> CodeList:
    """A code list of the SDMX agency, as the SDMX Global Registry publishes it (English names only)."""
    version, en = CROSS_DOMAIN[codelist]
    return CodeList(Ref("SDMX", codelist, version), (("en", en),),
                    tuple(Item(c, (("en", name),)) for c, name in codes.items()), "SDMX cross-domain code list")


OBS_STATUS = cross_domain("CL_OBS_STATUS", OBS_STATUS_CODES)
CONF_STATUS = cross_domain("CL_CONF_STATUS", CONF_STATUS_CODES)


def attributes(agency: str) -> tuple[Component, ...]:
    return (Component("UNIT_MEASURE", "unit_measure", Ref(agency, UNIT_CODELIST)),
            Component("OBS_STATUS", "obs_status", OBS_STATUS.ref),
            Component("CONF_STATUS", "conf_status", CONF_STATUS.ref),
            Component(NOTES, "notes", None, mandatory=False, dataset_level=True))


def dataflow(req: Request, catalogue: Catalogue, agency: str) -> Dataflow:
    dims = tuple(Component(sdmx_id(d), d, Ref(agency, codelist_id(cl))) for d, cl in req.delivered_dimensions())
    dims = dims or (Component(AREA, AREA.lower(), Ref(agency, AREA_CODELIST)),)
    name = labels(req.title.en, req.title.es)
    return Dataflow(Ref(agency, f"DF_{sdmx_id(req.id)}"), Ref(agency, f"DSD_{sdmx_id(req.id)}"), req.id, name,
                    dims + (Component(TIME, "time_period"),), attributes(agency),
                    request_annotations(req, catalogue))


class BadAgency(ValueError):
    pass


def checked_agency(agency: str) -> str:
    """An SDMX agency id: a letter, then letters, digits, _ or - (dots separate sub-agencies)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_\-]*(\.[A-Za-z][A-Za-z0-9_\-]*)*", agency):
        raise BadAgency(f"SDMX agency id '{agency}' is not an SDMX id: start with a letter, then letters, "
                        f"digits, _ or -, e.g. INEI or UN_OHCHR (set LOIPR_SDMX_AGENCY or --agency)")
    return agency


def build_structures(catalogue: Catalogue, agency: str = DEFAULT_AGENCY) -> Structures:
    """Every codelist of the specs, the units, the two cross-domain code lists, the concepts, and one
    DSD and dataflow per request: the same specs give the same structures."""
    agency = checked_agency(agency)
    own = tuple(spec_codelist(cl, agency) for _, cl in sorted(catalogue.codelists.items()))
    codelists = own + (area_codelist(agency), unit_codelist(catalogue, agency), OBS_STATUS, CONF_STATUS)
    flows = tuple(dataflow(req, catalogue, agency) for _, req in sorted(catalogue.requests.items()))
    return Structures(agency, codelists, concepts(catalogue), flows)
