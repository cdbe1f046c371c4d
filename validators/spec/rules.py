"""Cross-reference rules between specs, as a registry: each rule yields (key path, message).

A rule sees the whole catalogue, so it can say what would be right ("did you mean 'sex'?").
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from typing import Callable, Iterator

from .catalogue import Catalogue
from .dateformats import format_problem
from .labelranges import label_range_problem
from .model import OTHER, Request, Source
from .periods import ANCHORS, FREQUENCY_RANK
from .suggest import suggestion
from .totals_only import totals_only_hits
from .yamlpos import KeyPath, Problem, format_path

Hit = tuple[KeyPath, str]  # (where in the spec, what is wrong and how to fix it)
GRAIN = {"date": "month", "month": "month", "year": "year"}  # finest frequency a period column can give


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # which specs it reads: requests or sources
    check: Callable[..., Iterator[Hit]]


def _hint(value: object, candidates) -> str:
    return suggestion(value, list(candidates))


# ---------------------------------------------------------------- requests
def _known_source(req: Request, cat: Catalogue) -> Iterator[Hit]:
    if req.source not in cat.sources:
        yield ("source",), f"'{req.source}' is not a known source{_hint(req.source, cat.sources)}"


def _known_dimension(req: Request, cat: Catalogue) -> Iterator[Hit]:
    by_name = {label.lower(): cid for cid, c in cat.codelists.items() for label in (c.name.en, c.name.es)}
    for i, (dim, codelist) in enumerate(req.dimensions()):
        if dim not in cat.codelists and dim.lower() in by_name:  # a steward may write 'edad' or 'Sexo'
            yield ("breakdowns", i), f"'{dim}' is not a known dimension; did you mean '{by_name[dim.lower()]}'?"
        elif dim not in cat.codelists:
            yield ("breakdowns", i), f"'{dim}' is not a known dimension{_hint(dim, cat.codelists)}"
        elif codelist not in cat.codelists:
            yield ("breakdowns", i, dim), f"'{codelist}' is not a known codelist{_hint(codelist, cat.codelists)}"


def _single_binding(req: Request, cat: Catalogue) -> Iterator[Hit]:
    for i, item in enumerate(req.breakdowns):
        if isinstance(item, dict) and len(item) != 1:
            yield ("breakdowns", i), "write one dimension per item, e.g. '- age: age_child_adult'"


def _repeated_dimension(req: Request, cat: Catalogue) -> Iterator[Hit]:
    seen: set[str] = set()
    for i, (dim, _) in enumerate(req.dimensions()):
        if dim in seen:
            yield ("breakdowns", i), f"'{dim}' is listed twice; keep one"
        seen.add(dim)


def _breakdown_in_source(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    if source is None:
        return
    for i, (dim, codelist_id) in enumerate(req.dimensions()):
        if dim in req.unavailable or codelist_id not in cat.codelists:
            continue
        column = source.column(dim)
        if column is None:
            yield ("breakdowns", i), (f"source '{source.id}' has no column '{dim}'; add it to the source "
                                      f"or explain under 'unavailable: {{{dim}: {{reason: ...}}}}'")
        elif column.type == "age" and not cat.codelists[codelist_id].is_banded:
            yield ("breakdowns", i), f"'{dim}' holds ages in years: bind a codelist with age bands (min/max)"
        elif column.type == "code" and column.codelist != codelist_id and column.codelist in cat.codelists:
            source_codes = cat.codelists[column.codelist].code_set()
            if not source_codes <= cat.codelists[codelist_id].code_set():
                yield ("breakdowns", i), (f"source codes of '{dim}' are in codelist '{column.codelist}', "
                                          f"not '{codelist_id}'")


def _no_record_grain(req: Request, cat: Catalogue) -> Iterator[Hit]:
    """Microdata stays in: a table broken down by an identifier or a birth date publishes records."""
    source = cat.sources.get(req.source)
    if source is None:
        return
    for i, (dim, _) in enumerate(req.dimensions()):
        column = source.column(dim)
        if column is not None and (column.personal or dim in source.record_key):
            yield ("breakdowns", i), (f"'{dim}' identifies persons or records in source '{source.id}': "
                                      f"a table by it would publish microdata; remove it")


def _cross_of_breakdowns(req: Request, cat: Catalogue) -> Iterator[Hit]:
    dims = [d for d, _ in req.dimensions()]
    known = [d for d in dims if d in cat.codelists]  # a typo in a breakdown is reported once, there
    typos = [d for d in dims if d not in cat.codelists]
    for i, combo in enumerate(req.cross):
        for j, dim in enumerate(combo):
            if dim not in dims and not get_close_matches(dim, typos, n=1, cutoff=0.8):
                yield ("cross", i, j), f"'{dim}' is not among the breakdowns{_hint(dim, known)}"
    covered = {d for combo in req.cross for d in combo}
    for dim in known:
        if req.cross and dim not in covered and dim not in req.unavailable:
            yield ("cross",), f"breakdown '{dim}' appears in no combination; add it to one"


def _unavailable_is_breakdown(req: Request, cat: Catalogue) -> Iterator[Hit]:
    dims = [d for d, _ in req.dimensions()]
    for key in req.unavailable:
        if key not in dims:
            yield ("unavailable", key), f"'{key}' is not among the breakdowns{_hint(key, dims)}"


def _filter_column(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    if source is None:
        return
    names = [c.name for c in source.published_columns]
    for key, value in req.filters.items():
        column = source.column(key)
        if column is None or column.personal == "drop":
            yield ("filters", key), f"'{key}' is not a column of source '{source.id}'{_hint(key, names)}"
        elif column.type == "code" and column.codelist in cat.codelists:
            codes = cat.codelists[column.codelist].code_set() | {cat.codelists[column.codelist].total}
            for v in [value] if isinstance(value, str) else value:
                if v not in codes:
                    yield ("filters", key), f"'{v}' is not a code of '{column.codelist}'{_hint(v, codes)}"


def _period_anchor(req: Request, cat: Catalogue) -> Iterator[Hit]:
    value = req.period.from_
    if not value[:4].isdigit() and value not in ANCHORS:
        yield ("period", "from"), f"'{value}' is not a known anchor{_hint(value, ANCHORS)}"


def _period_grain(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    column = source.column(source.period_column) if source else None
    if column is None or column.type not in GRAIN:
        return
    grain = GRAIN[column.type]
    if FREQUENCY_RANK[req.period.frequency] < FREQUENCY_RANK[grain]:
        yield ("period", "frequency"), f"source '{source.id}' dates rows by {grain}: use '{grain}' or coarser"


def _measure_fits_source(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    if source and (req.measure.kind == "sum") != (source.kind == "aggregate"):
        want = "sum" if source.kind == "aggregate" else "count"
        yield ("measure", "kind"), f"source '{source.id}' is {source.kind}: use kind '{want}'"


def _group_small(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    delivered = dict(req.delivered_dimensions())
    for dim in req.group_small:
        column = source.column(dim) if source else None
        codelist = cat.codelists.get(delivered.get(dim, ""))
        if dim not in delivered:
            yield ("group_small", dim), f"'{dim}' is not among the breakdowns{_hint(dim, delivered)}"
        elif source is not None and source.kind == "aggregate":
            yield ("group_small", dim), (f"source '{source.id}' publishes its own cells, which cannot be "
                                         f"regrouped; remove group_small")
        elif column is None or column.type != "code" or codelist is None:
            continue  # reported by breakdown-in-source
        elif OTHER not in codelist.code_set():
            yield ("group_small", dim), (f"codelist '{codelist.id}' has no code '{OTHER}' to publish the grouped "
                                         f"codes under; add one to specs/codelists/{codelist.id}.yaml, e.g. "
                                         f"{{code: {OTHER}, en: Other, es: Otros}}")


def _group_small_alike(req: Request, cat: Catalogue) -> Iterator[Hit]:
    """Two tables of a source grouping a breakdown differently: their difference gives the rare codes."""
    source = cat.sources.get(req.source)
    if source is None or source.kind == "aggregate":  # grouping is refused there (group-small)
        return
    position = {dim: i for i, (dim, _) in enumerate(req.dimensions())}
    for dim, codelist_id in req.delivered_dimensions():
        others = {o.id: o.group_small.get(dim) for o in cat.requests.values()
                  if o.source == req.source and dim in dict(o.delivered_dimensions())}
        codelist = cat.codelists.get(codelist_id)
        if len(set(others.values())) <= 1 or codelist is None or OTHER not in codelist.code_set():
            continue
        ways = "; ".join(f"{rid}: {f'below {n}' if n else 'not grouped'}" for rid, n in sorted(others.items()))
        where = ("group_small", dim) if dim in req.group_small else ("breakdowns", position[dim])
        yield where, (f"the requests of source '{req.source}' group '{dim}' differently ({ways}): subtracting "
                      f"one table from another would give the rare codes back; use the same group_small.{dim} "
                      f"in all of them")


# ---------------------------------------------------------------- sources
def _column_codelist(src: Source, cat: Catalogue) -> Iterator[Hit]:
    for i, column in enumerate(src.columns):
        if column.codelist and column.codelist not in cat.codelists:
            yield ("columns", i, "codelist"), f"'{column.codelist}' is not a known codelist{_hint(column.codelist, cat.codelists)}"
            continue
        if column.codelist:
            codelist = cat.codelists[column.codelist]
            codes = codelist.code_set() | {codelist.total}
            for label, code in column.recode.items():
                if code not in codes:
                    yield ("columns", i, "recode", label), f"'{code}' is not a code of '{codelist.id}'{_hint(code, codes)}"
            if column.otherwise is not None and column.otherwise not in codes:
                yield ("columns", i, "otherwise"), f"'{column.otherwise}' is not a code of '{codelist.id}'"
            if column.if_empty is not None and column.if_empty not in codes:
                yield ("columns", i, "if_empty"), f"'{column.if_empty}' is not a code of '{codelist.id}'{_hint(column.if_empty, codes)}"


def _column_references(src: Source, cat: Catalogue) -> Iterator[Hit]:
    names = [c.name for c in src.columns]
    dates = [c.name for c in src.columns if c.type == "date"]
    for i, column in enumerate(src.columns):
        if column.age_at and column.age_at not in dates:
            yield ("columns", i, "age_at"), f"'{column.age_at}' is not a date column of this source{_hint(column.age_at, dates)}"
    period = src.column(src.period_column)
    if period is None:
        yield ("period_column",), f"'{src.period_column}' is not a column of this source{_hint(src.period_column, names)}"
    elif period.type not in GRAIN:
        yield ("period_column",), f"'{src.period_column}' must be of type date, month or year"
    if src.kind == "aggregate" and (src.value_column is None or src.value_column not in names):
        yield ("value_column",), f"an aggregate source needs value_column naming one of its columns{_hint(src.value_column or '', names)}"
    for j, key in enumerate(src.record_key):
        if key not in names:
            yield ("record_key", j), f"'{key}' is not a column of this source{_hint(key, names)}"


def _date_formats(src: Source, cat: Catalogue) -> Iterator[Hit]:
    """Formats are strftime ('%d/%m/%Y'), not 'dd/mm/yyyy': a wrong one quarantines every row."""
    for i, column in enumerate(src.columns):
        for j, fmt in enumerate(column.formats):
            problem = format_problem(fmt)
            if problem:
                yield ("columns", i, "formats", j), problem


def _label_in_code_range(src: Source, cat: Catalogue) -> Iterator[Hit]:
    """'DE 30 A 59 AÑOS' recoded to Y0T17 is an error: the label's ages lie outside the code's range."""
    for i, column in enumerate(src.columns):
        codelist = cat.codelists.get(column.codelist or "")
        if codelist is None or not codelist.is_banded:
            continue
        for label, code in column.recode.items():
            problem = label_range_problem(label, code, codelist)
            if problem:
                yield ("columns", i, "recode", label), problem


# Plain functions registered in one table, not by a decorator: mutmut mutates the body of an
# undecorated function only, and the rules decide what a steward is told (issue 15).
RULES: list[Rule] = [
    Rule("known-source", "requests", _known_source),
    Rule("known-dimension", "requests", _known_dimension),
    Rule("single-binding", "requests", _single_binding),
    Rule("repeated-dimension", "requests", _repeated_dimension),
    Rule("breakdown-in-source", "requests", _breakdown_in_source),
    Rule("no-record-grain", "requests", _no_record_grain),
    Rule("cross-of-breakdowns", "requests", _cross_of_breakdowns),
    Rule("unavailable-is-breakdown", "requests", _unavailable_is_breakdown),
    Rule("filter-column", "requests", _filter_column),
    Rule("period-anchor", "requests", _period_anchor),
    Rule("period-grain", "requests", _period_grain),
    Rule("measure-fits-source", "requests", _measure_fits_source),
    Rule("group-small", "requests", _group_small),
    Rule("group-small-alike", "requests", _group_small_alike),
    Rule("totals-only", "requests", totals_only_hits),
    Rule("column-codelist", "sources", _column_codelist),
    Rule("column-references", "sources", _column_references),
    Rule("date-formats", "sources", _date_formats),
    Rule("label-in-code-range", "sources", _label_in_code_range),
]


def cross_reference_problems(cat: Catalogue) -> list[Problem]:
    out: list[Problem] = []
    for r in RULES:
        for spec_id, spec in getattr(cat, r.kind).items():
            located = cat.located[(r.kind, spec_id)]
            shown = cat.files[(r.kind, spec_id)]
            for path, message in r.check(spec, cat):
                line, col = located.where(path)
                out.append(Problem(shown, line, col, format_path(path), message))
    return out
