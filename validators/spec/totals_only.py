"""Lint of a request's `totals_only`: a code published only in total must leave nothing to give it back.

Both `warehouse.totals_only` (which cells are kept) and this rule read the same spec: a combination
without the breakdown that gives one of its crossed breakdowns for everyone together would let a
reader subtract each published code from it and get the withheld code's detail back.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches

from .catalogue import Catalogue
from .model import Request
from .suggest import suggestion
from .yamlpos import KeyPath

Hit = tuple[KeyPath, str]


def totals_only_hits(req: Request, cat: Catalogue) -> Iterator[Hit]:
    source = cat.sources.get(req.source)
    delivered = dict(req.delivered_dimensions())
    typos = [d for d in delivered if d not in cat.codelists]  # reported once, by known-dimension
    for dim, only in req.totals_only.items():
        if dim not in delivered and get_close_matches(dim, typos, n=1, cutoff=0.8):
            continue
        if dim not in delivered:
            yield ("totals_only", dim), f"'{dim}' is not among the breakdowns{suggestion(dim, list(delivered))}"
            continue
        if source is not None and source.kind == "aggregate":
            yield ("totals_only", dim), (f"source '{source.id}' publishes its own cells, which are published "
                                         f"as given; remove totals_only")
            continue
        codelist = cat.codelists.get(delivered[dim])
        if codelist is not None and only.code not in codelist.code_set():
            yield ("totals_only", dim, "code"), (f"codelist '{codelist.id}' has no code '{only.code}'"
                                                 f"{suggestion(only.code, sorted(codelist.code_set()))}")
        for i, other in enumerate(only.crossed_with):
            if other not in delivered or other == dim:
                yield ("totals_only", dim, "crossed_with", i), (
                    f"'{other}' is not among the other breakdowns{suggestion(other, [d for d in delivered if d != dim])}")
        yield from _given_back(req, dim, only.crossed_with)


def _given_back(req: Request, dim: str, crossed_with: list[str]) -> Iterator[Hit]:
    """A combination without ``dim`` giving a breakdown that another combination crosses with ``dim``."""
    combos = req.combinations()
    with_dim = {d for combo in combos if dim in combo for d in combo} - {dim} - set(crossed_with)
    for i, combo in enumerate(combos):
        if dim in combo:
            continue
        for other in (d for d in combo if d in with_dim):
            yield ("cross", i), (f"this combination gives '{other}' for every '{dim}' together: less each "
                                 f"'{dim}' published by '{other}', it gives the code published only in total back; "
                                 f"add '{dim}' to it, or '{other}' to totals_only.{dim}.crossed_with")
