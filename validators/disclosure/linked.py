"""The cells an attacker links across every table of one source: crossings, filters, periods.

Two published rows are the same cell when they count the same records: same source, measure and
frequency, same period, and the same codes once each table's filters are added as codes (a table
of returns, filtered to Peruvians entering, has the cell {direction: ENTRY, nationality: PER,
sex: F} that the movements table publishes too). A dimension a row does not break down by, or
holds at ``_T``, is left out of the key, so a table's grand total is the cell of its filters alone.

Each crossing of a table, in one period, is a *block*: an array of cell ids indexed by codes,
position 0 of every axis being ``_T``. A block's lines (a total and its parts along one axis) are
the relations an attacker can use, and only those the published figures do satisfy:

- total = sum of parts: an equation;
- total > sum of parts (the publisher omits categories): an equation with a slack cell >= 0;
- total < sum of parts (the publisher's own inconsistency): nothing an attacker can rely on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from validators.spec.model import TOTAL, Codelist, Request

PERIOD, VALUE, CONF = "time_period", "obs_value", "conf_status"
Coord = tuple[str, str, str]  # (dimension, dimension, code): see cell_coord


@dataclass
class Block:
    """One crossing of one table in one period: cell ids by code position (0 = ``_T``), -1 = no row."""

    rid: str
    dims: tuple[str, ...]
    ids: np.ndarray
    axes: list[list[str]] = field(default_factory=list)  # codes of each axis, _T first
    fixed: tuple = ()  # the table's filters as codes
    codelists: tuple[str, ...] = ()  # of each axis: a hidden cube joins only blocks that agree on them


@dataclass
class Linked:
    """One period of one source: its cells, the blocks that publish them, and their lines."""

    period: str
    keys: list[tuple[Coord, ...]] = field(default_factory=list)
    value: list[float] = field(default_factory=list)  # the true value; NaN if the source gives none
    source_c: list[bool] = field(default_factory=list)  # flagged confidential by the source itself
    rows: list[list[tuple[str, object]]] = field(default_factory=list)  # (request, row label) per cell
    blocks: list[Block] = field(default_factory=list)
    index: dict[tuple[Coord, ...], int] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, repr=False)  # lines and the attacker's system, made once

    def cell(self, key: tuple[Coord, ...], value: float, source_c: bool) -> int:
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.value.append(value)
            self.source_c.append(source_c)
            self.rows.append([])
        elif not _same(self.value[i], value):
            raise ValueError(f"two tables give different values for the same cell in {self.period}")
        return i

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value, how many blocks hold each cell, is it some table's grand total)."""
        shared = np.zeros(len(self.keys), dtype=np.int64)
        grand = np.zeros(len(self.keys), dtype=bool)
        for b in self.blocks:
            shared[np.unique(b.ids[b.ids >= 0])] += 1
            origin = b.ids[(0,) * b.ids.ndim]  # every axis at _T: the table's grand total
            if origin >= 0:
                grand[origin] = True
        return np.asarray(self.value, dtype=float), shared, grand

    def lines(self) -> list[tuple[int, np.ndarray, str]]:
        """(total, parts, kind) over all blocks, each relation once; kind 'eq' or 'slack'."""
        if "lines" in self.cache:
            return self.cache["lines"]
        value = np.asarray(self.value, dtype=float)
        seen: set[tuple[int, tuple[int, ...]]] = set()
        out = []
        for b in self.blocks:
            for axis in range(b.ids.ndim):
                flat = np.moveaxis(b.ids, axis, -1).reshape(-1, b.ids.shape[axis])
                for row in flat:
                    total, parts = int(row[0]), row[1:][row[1:] >= 0]
                    if total < 0 or not len(parts):
                        continue
                    key = (total, tuple(sorted(parts.tolist())))
                    if key in seen:
                        continue
                    seen.add(key)
                    kind = _line_kind(value[total], value[parts])
                    if kind:
                        out.append((total, np.array(key[1], dtype=np.int64), kind))
        self.cache["lines"] = out
        return out


def _line_kind(total: float, parts: np.ndarray) -> str | None:
    if np.isnan(total) or np.isnan(parts).any():
        return "eq"  # unknown figures: assume the publisher's cube adds up (the stronger attacker)
    gap = total - parts.sum()
    if abs(gap) < 1e-9:
        return "eq"
    return "slack" if gap > 0 else None


def _same(a: float, b: float) -> bool:
    return (np.isnan(a) and np.isnan(b)) or a == b


def cell_coord(dim: str, code: str) -> Coord:
    """One coordinate of a cell. Not by codelist: a code means the same records in every codelist
    of a dimension (SDMX age codes name their range: Y0T17 in two bandings, _U "age unknown" in
    all), so two tables publishing it publish one cell, which must have one fate."""
    return (dim, dim, code)


def filter_coords(req: Request, codelist_of: dict[str, str] | None = None) -> tuple[Coord, ...]:
    """A table's filters as codes: a list of codes is one code of its own (a sum of cells)."""
    out = []
    for dim, code in sorted(req.filters.items()):
        text = code if isinstance(code, str) else "+".join(sorted(code))
        out.append(cell_coord(dim, text))
    return tuple(out)


def group_key(req: Request) -> tuple:
    """Tables whose cells can be the same cell: same source, measure and frequency."""
    return (req.source, req.measure.kind, req.measure.unit, req.period.frequency)


@dataclass(frozen=True)
class Part:
    """One crossing of one table: its rows, dimensions, filters as codes, and dimension codelists."""

    rid: str
    rows: pd.DataFrame
    dims: list[str]
    fixed: tuple[Coord, ...] = ()
    codelists: dict[str, str] = field(default_factory=dict)
    same_as: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (dim, code) -> the same records


def parts_of(crossings: list[tuple[str, pd.DataFrame, list[str]]], requests: dict[str, Request],
             codelists: dict[str, Codelist] | None = None) -> list[Part]:
    """The parts of a group's tables, with each request's filters and codelists, and the codes that
    hold the same records as a code of another dimension (a codelist's ``same_as``)."""
    same: dict[tuple[str, str], tuple[str, str]] = {}
    for rid, _, _ in crossings:
        for dim, cl in requests[rid].delivered_dimensions():
            for code in (codelists[cl].codes if codelists and cl in codelists else []):
                if code.same_as:  # one canonical code for the same records
                    same[(dim, code.code)] = next(iter(code.same_as.items()))
    return [Part(rid, df, dims, filter_coords(requests[rid]), dict(requests[rid].delivered_dimensions()), same)
            for rid, df, dims in crossings]


def build_linked(parts: list[Part]) -> dict[str, Linked]:
    """Every period's linked cells of one group, from its tables' crossings."""
    periods: dict[str, Linked] = {}
    for part in parts:
        rid, df, dims, fixed, cls = part.rid, part.rows, part.dims, part.fixed, part.codelists
        values = pd.to_numeric(df[VALUE], errors="coerce").to_numpy(dtype=float)
        source_c = df[CONF].astype(str).to_numpy() != "F"
        for period, rows in df.groupby(df[PERIOD].astype(str), sort=True).indices.items():
            linked = periods.setdefault(period, Linked(period))
            axes = [[TOTAL, *sorted(set(df[d].iloc[rows].astype(str)) - {TOTAL})] for d in dims]
            pos = [{c: k for k, c in enumerate(a)} for a in axes]
            ids = np.full([len(a) for a in axes], -1, dtype=np.int64)
            codes = [df[d].iloc[rows].astype(str).to_numpy() for d in dims]
            for n, r in enumerate(rows):
                row_codes = [c[n] for c in codes]
                key = tuple(sorted(set(fixed + tuple(cell_coord(*part.same_as.get((d, c), (d, c)))
                                                     for d, c in zip(dims, row_codes) if c != TOTAL))))
                i = linked.cell(key, float(values[r]), bool(source_c[r]))
                linked.rows[i].append((rid, df.index[r]))
                ids[tuple(p[c] for p, c in zip(pos, row_codes))] = i
            linked.blocks.append(Block(rid, tuple(dims), ids, axes, fixed, tuple(cls.get(d, d) for d in dims)))
    return periods


def by_group(requests: dict[str, Request], rids: list[str]) -> dict[tuple, list[str]]:
    out: dict[tuple, list[str]] = defaultdict(list)
    for rid in rids:
        out[group_key(requests[rid])].append(rid)
    return out
