"""The audit: what everything published from one source lets an attacker say of a withheld cell.

The attacker knows every published figure of the source's tables in the period, every line they
satisfy (``Linked.lines``: equations, and totals above their listed parts through a slack cell
>= 0), and that counts are >= 0. It is ``lp.Attacker`` (warm HiGHS models per connected part of
the system, many cells certified by one LP), asked for each confidential cell whether it can
reach ``value + up`` and ``value - down``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from validators.spec.model import TOTAL

from .hypercube import Need
from .linked import Block, Linked
from .lp import Attacker, Requirement, tasks_of

LATENT_LIMIT = 50_000  # cells of a hidden cube the audit adds (past it, the faces' own lines only)


def system(linked: Linked) -> tuple[np.ndarray, list[tuple[int, np.ndarray]]]:
    """Cell values (NaN: unknown to everyone) and lines, a slack cell added to each 'slack' line,
    and the hidden cube behind each table published as several crossings (``hidden_cube``)."""
    if "system" in linked.cache:  # the same period is audited several times (reinforcement, release)
        return linked.cache["system"]
    value = list(np.asarray(linked.value, dtype=float))
    truth: dict[int, float] = {}  # what we know of an added slack cell (for ``moves``, never the attacker)
    lines = []
    for total, parts, kind in linked.lines():
        if kind == "slack":
            value.append(np.nan)
            truth[len(value) - 1] = value[total] - float(np.sum(np.asarray(value)[parts]))
            parts = np.append(parts, len(value) - 1)
        lines.append((total, parts))
    for whole, part in nested_pairs(linked):  # a filtered table's cell is within the unfiltered one
        value.append(np.nan)
        truth[len(value) - 1] = value[whole] - value[part]
        lines.append((whole, np.array([part, len(value) - 1], dtype=np.int64)))
    for blocks in cube_groups(linked.blocks):
        if len(blocks) < 2:
            continue
        joint = hidden_cube(blocks, value)
        if joint is None:  # too large for all the tables at once: each table's own crossings
            for rid in dict.fromkeys(b.rid for b in blocks):
                own = [b for b in blocks if b.rid == rid]
                lines += (hidden_cube(own, value) or []) if len(own) > 1 else []
        else:
            lines += joint
    linked.cache["system"] = np.asarray(value), lines
    linked.cache["slack_truth"] = truth
    return linked.cache["system"]


def nested_pairs(linked: Linked) -> list[tuple[int, int]]:
    """(whole, part): a cell of a filtered table (Peruvians' entries by sex) and each published cell
    whose codes are a part of its own but not all of its table's filters (all entries by sex): the
    part cannot exceed the whole, which an attacker uses to bound it from above."""
    out: set[tuple[int, int]] = set()
    for block in linked.blocks:
        if not block.fixed:
            continue
        for c in np.unique(block.ids[block.ids >= 0]):
            key = linked.keys[int(c)]
            for k in range(len(key)):
                for sub in combinations(key, k):
                    u = linked.index.get(sub)
                    if u is not None and u != c and not set(block.fixed) <= set(sub):
                        out.add((u, int(c)))
    return sorted(out)


def cube_groups(blocks: list[Block]) -> list[list[Block]]:
    """Tables with the same filters are faces of one cube, if they code each shared breakdown by the
    same codelist: two age bandings are not two partitions of one axis."""
    groups: list[tuple[tuple, dict[str, str], list[Block]]] = []
    for block in blocks:
        coding = dict(zip(block.dims, block.codelists))
        for fixed, seen, members in groups:
            if fixed == block.fixed and all(seen.get(d, c) == c for d, c in coding.items()):
                seen.update(coding)
                members.append(block)
                break
        else:
            groups.append((block.fixed, coding, [block]))
    return [members for _, _, members in groups]


def hidden_cube(blocks: list[Block], value: list[float]) -> list[tuple[int, np.ndarray]] | None:
    """Crossings of tables with the same filters are faces of one cross-classification, cells >= 0:
    an attacker knows that too (Fréchet bounds). Its cells are appended to ``value`` as unknowns and
    each published cell equals the sum of the hidden cells it covers. None past LATENT_LIMIT."""
    dims: list[str] = []
    codes: dict[str, list[str]] = {}
    for b in blocks:
        for d, axis in zip(b.dims, b.axes):
            dims += [d] if d not in dims else []
            codes[d] = sorted(set(codes.get(d, [])) | set(axis[1:]))
    shape = [len(codes[d]) for d in dims]
    if not all(shape):
        return []
    if int(np.prod(shape)) > LATENT_LIMIT:
        return None
    base = len(value)
    value += [np.nan] * int(np.prod(shape))
    latent = base + np.arange(int(np.prod(shape))).reshape(shape)
    out = []
    for b in blocks:
        where = {d: {c: k for k, c in enumerate(codes[d])} for d in b.dims}
        for at in zip(*np.nonzero(b.ids >= 0)):
            picked = {d: b.axes[k][i] for k, (d, i) in enumerate(zip(b.dims, at))}
            sl = tuple(slice(None) if picked.get(d, TOTAL) == TOTAL else where[d][picked[d]] for d in dims)
            out.append((int(b.ids[at]), np.atleast_1d(latent[sl]).ravel()))
    return out


Witness = tuple[np.ndarray, np.ndarray]  # an attacker solution (columns, values) reaching a goal


def broken_needs(linked: Linked, withheld: np.ndarray, needs: dict[int, Need],
                 witnesses: dict[int, list[Witness]] | None = None) -> list[int]:
    """The confidential cells the attacker narrows below their promise, given the pattern. With
    ``witnesses``, the solutions that showed each kept promise are added to it (``still_shown``)."""
    if not needs:
        return []
    value, lines = system(linked)
    pattern = np.concatenate([withheld, np.ones(len(value) - len(withheld), dtype=bool)]) | np.isnan(value)
    if "attacker" not in linked.cache:
        linked.cache["attacker"] = Attacker(value, lines)
    attacker = linked.cache["attacker"]
    attacker.set_pattern(pattern)
    tasks = tasks_of([Requirement(i, None, sliding=n.up) if np.isnan(value[i])
                      else Requirement(i, float(value[i]), upper=n.up, lower=n.down) for i, n in needs.items()])
    unsettled = list(range(len(tasks)))
    keep = witnesses if witnesses is not None else {}
    while unsettled:  # one LP pushes every open cell towards its goal; those it reaches are settled
        reached = attacker.batch([tasks[k] for k in unsettled])
        if not reached:
            break
        for j, found in reached.items():
            keep.setdefault(tasks[unsettled[j]].cell, []).extend(found)
        unsettled = [k for j, k in enumerate(unsettled) if j not in reached]
    broken = set()
    for k in unsettled:
        found = attacker.check(tasks[k])
        if found is None:
            broken.add(tasks[k].cell)
        else:
            keep.setdefault(tasks[k].cell, []).extend(found)
    return sorted(broken)


def still_shown(witnesses: list[Witness], cell: int, value: float) -> bool:
    """Whether publishing ``cell`` at ``value`` leaves every one of these solutions possible: it
    does where each keeps the cell at that value (or lies in another part of the system)."""
    for cols, values in witnesses:
        at = int(np.searchsorted(cols, cell))
        if at < len(cols) and cols[at] == cell and abs(values[at] - value) > 1e-6 * (1 + abs(value)):
            return False
    return True
