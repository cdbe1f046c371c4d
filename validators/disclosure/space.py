"""The cell space disclosure control works in: cells of one or several tables and their additivity.

A published table is an SDMX-like cube (see DESIGN.md): one row per combination of codes, ``_T``
the total over a dimension. Tables built from the same source share cells: a cell is identified
by its period and its codes over the *union* of the tables' dimensions, a dimension a table does
not break down by being ``_T``. Each period is an independent system of linear equations

    for every dimension d and every combination of the other dimensions' codes:
        cell(..., _T, ...) = sum of cell(..., c, ...) over the non-_T codes c of d

over non-negative cell values. Everything an attacker can learn from the edition follows from
these equations, the published values and non-negativity.

When several tables share their dimensions' code lists, they are faces of one hidden cube
(the source's full cross-classification), and the attacker also knows that this cube exists with
non-negative cells. That cube is added as *latent* cells (never published, value unknown), so the
attacker is at least as strong as the real one. It is skipped when code lists differ between
tables (e.g. two age bandings) or when it would be too large; the faces' own equations are then used.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd

from validators.spec.model import TOTAL

PERIOD = "time_period"
VALUE = "obs_value"
CONF = "conf_status"
LATENT_CUBE_LIMIT = 50_000  # largest hidden cube (cells) added as latent cells

Key = tuple[str, ...]


@dataclass
class Space:
    """One period's cells (over the union dimensions) and the equations between them."""

    period: str
    dims: tuple[str, ...]
    keys: list[Key]
    value: np.ndarray  # true value; NaN when unknown (withheld by the source, or latent)
    source_c: np.ndarray  # bool: conf_status C in the input (in any table publishing the cell)
    latent: np.ndarray  # bool: a cell of the hidden cube that no table publishes
    lines: list[tuple[int, np.ndarray]]  # (index of the total, indices of its parts)
    # (table number, row label) -> cell index, for the rows of this period
    rows: dict[tuple[int, object], int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.keys)


def union_dims(tables: list[tuple[pd.DataFrame, list[str]]]) -> tuple[str, ...]:
    seen: list[str] = []
    for _, dims in tables:
        for d in dims:
            if d not in seen:
                seen.append(d)
    return tuple(seen)


def _check_columns(df: pd.DataFrame, dims: list[str]) -> None:
    missing = [c for c in [PERIOD, *dims, VALUE] if c not in df.columns]
    if missing:
        raise ValueError(f"table lacks column(s) {', '.join(missing)}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"dimension listed twice in {dims}")


def _line_groups(keys: dict[Key, int], position: int):
    """Yield (total index, part indices) for dimension ``position`` over the given cells."""
    groups: dict[Key, list[int]] = defaultdict(list)
    totals: dict[Key, int] = {}
    for key, i in keys.items():
        rest = key[:position] + key[position + 1 :]
        if key[position] == TOTAL:
            totals[rest] = i
        else:
            groups[rest].append(i)
    for rest, parts in groups.items():
        if rest not in totals:
            raise ValueError(f"cube is incomplete: no total for {rest} over dimension {position}")
        yield totals[rest], np.array(sorted(parts), dtype=np.int64)


def build_spaces(
    tables: list[tuple[pd.DataFrame, list[str]]], *, latent: bool = True
) -> dict[str, Space]:
    """The cell space of every period found in the tables, with the union of their equations.

    Raises ValueError when two tables give different values for the same cell, or when the
    known values of a period contradict an equation.
    """
    dims = union_dims(tables)
    per_period: dict[str, dict] = {}
    for t, (df, tdims) in enumerate(tables):
        _check_columns(df, tdims)
        codes = {d: df[d].astype(str).to_numpy() for d in tdims}
        periods = df[PERIOD].astype(str).to_numpy()
        values = pd.to_numeric(df[VALUE], errors="coerce").to_numpy(dtype=float)
        conf = (df[CONF].astype(str).to_numpy() if CONF in df.columns
                else np.full(len(df), "F", dtype=object))
        for r, label in enumerate(df.index):
            key = tuple(codes[d][r] if d in codes else TOTAL for d in dims)
            state = per_period.setdefault(periods[r], {"keys": {}, "value": [], "c": [], "rows": {},
                                                       "table_keys": defaultdict(dict)})
            i = state["keys"].get(key)
            if i is None:
                i = len(state["value"])
                state["keys"][key] = i
                state["value"].append(values[r])
                state["c"].append(conf[r] == "C")
            else:
                old, new = state["value"][i], values[r]
                if np.isnan(old):
                    state["value"][i] = new
                elif not np.isnan(new) and not np.isclose(old, new, rtol=1e-9):
                    raise ValueError(f"period {periods[r]}: cell {dict(zip(dims, key))} is "
                                     f"{old} in one table and {new} in another")
                state["c"][i] = state["c"][i] or conf[r] == "C"
            if (t, label) in state["rows"]:
                raise ValueError(f"duplicate row label {label!r} in table {t}")
            if key in state["table_keys"][t]:
                raise ValueError(f"period {periods[r]}: table {t} has the cell "
                                 f"{dict(zip(dims, key))} twice")
            state["rows"][(t, label)] = i
            state["table_keys"][t][key] = i

    table_dims = [tuple(dims.index(d) for d in tdims) for _, tdims in tables]
    return {period: _finish(period, dims, state, table_dims, latent and len(tables) > 1)
            for period, state in per_period.items()}


def _finish(period: str, dims: tuple[str, ...], state: dict, table_dims: list[tuple[int, ...]],
            latent: bool) -> Space:
    keys: dict[Key, int] = dict(state["keys"])
    value = list(state["value"])
    source_c = list(state["c"])
    is_latent = [False] * len(value)

    cube = _hidden_cube(dims, state["table_keys"], table_dims) if latent else None
    if cube is not None:
        for key in cube:
            if key not in keys:
                keys[key] = len(value)
                value.append(np.nan)
                source_c.append(False)
                is_latent.append(True)
        lines = [line for j in range(len(dims)) for line in _line_groups(keys, j)]
    else:
        seen: set[tuple[int, tuple[int, ...]]] = set()
        lines = []
        for t, positions in enumerate(table_dims):
            tkeys = state["table_keys"].get(t, {})
            for j in positions:
                for total, parts in _line_groups(tkeys, j):
                    sig = (total, tuple(parts))
                    if sig not in seen:
                        seen.add(sig)
                        lines.append((total, parts))

    space = Space(
        period=period, dims=dims, keys=list(keys), value=np.array(value, dtype=float),
        source_c=np.array(source_c, dtype=bool), latent=np.array(is_latent, dtype=bool),
        lines=lines, rows=state["rows"],
    )
    _check_additivity(space)
    return space


def _hidden_cube(dims: tuple[str, ...], table_keys: dict[int, dict[Key, int]],
                 table_dims: list[tuple[int, ...]]) -> list[Key] | None:
    """Every cell of the full cross-classification, or None when it is not well defined."""
    codes: list[set[str] | None] = [None] * len(dims)
    for t, positions in enumerate(table_dims):
        if not table_keys.get(t):
            continue  # this table has no row in the period
        for j in positions:
            found = {key[j] for key in table_keys[t]} - {TOTAL}
            if codes[j] is None:
                codes[j] = found
            elif codes[j] != found:
                return None  # two tables break a dimension down differently
    axes = [sorted(c or set()) + [TOTAL] for c in codes]
    if int(np.prod([len(a) for a in axes])) > LATENT_CUBE_LIMIT:
        return None
    return [tuple(k) for k in product(*axes)]


def _check_additivity(space: Space) -> None:
    for total, parts in space.lines:
        vals = space.value[np.concatenate(([total], parts))]
        if np.isnan(vals).any():
            known_parts = np.nansum(space.value[parts])
            if not np.isnan(vals[0]) and known_parts > vals[0] * (1 + 1e-9) + 1e-9:
                raise ValueError(f"period {space.period}: parts of {space.keys[total]} exceed it")
            continue
        if not np.isclose(vals[0], vals[1:].sum(), rtol=1e-9, atol=1e-9):
            raise ValueError(f"period {space.period}: {space.keys[total]} = {vals[0]} but its "
                             f"parts add up to {vals[1:].sum()}")
    if (space.value[~np.isnan(space.value)] < 0).any():
        raise ValueError(f"period {space.period}: negative values cannot be protected")
