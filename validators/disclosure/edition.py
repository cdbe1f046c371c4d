"""Disclosure control of an edition: which rule each table gets, and protecting them together.

Tables of one source, measure and frequency are protected together whatever their filters and
crossings (``linked``): a cell withheld in one is withheld wherever it is published, and every
pattern passes the audit of ``group`` before it is returned. Withheld cells carry one flag, C
(contract v2); which were primary stays in the report's counts.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import nullcontext
from multiprocessing import get_context

import pandas as pd

from validators.spec.model import TOTAL, Codelist, Request

from .floor import withheld_share_floor
from .group import apply, counts, protect_group, timed
from .linked import by_group, parts_of
from .rules import rule_for
from .small import periods_too_small, totals_only

MAX_WORKERS = 4  # by default: a shared server's other cores are left to the other jobs
PARALLEL_FROM_CELLS = 20_000  # frequency cells in the edition from which periods are protected in parallel
PERSON_UNITS = {"PS", "NUMBER"}  # frequency tables: counts of persons, cases, movements
NOT_PROTECTED = "not protected: a magnitude table without contributor data (a national total per period)"
METHOD = ("hypercubes (tau-ARGUS's GHMITER idea): each confidential cell with the cheapest set of "
          "complementary cells around it; where none serves, the cheapest move balancing every line of the "
          "source's tables (LP); a period whose grand total is below a confidential count plus its "
          "protection is published as its total alone (periods_as_total_only); grand totals withheld only "
          "where no pattern publishing them passes the audit (grand_totals_withheld); audited by an LP "
          "attacker over every table of the source")


def is_sensitive(req: Request, codelists: dict[str, Codelist]) -> bool:
    """Stricter rule for trafficking, expulsion, children, health: declared, or by a sensitive codelist."""
    if req.sensitive is not None:
        return req.sensitive
    return any(codelists[c].sensitive for _, c in req.delivered_dimensions() if c in codelists)


def is_frequency_table(req: Request) -> bool:
    return req.measure.kind == "count" or req.measure.unit in PERSON_UNITS


def sub_tables(table: pd.DataFrame, req: Request) -> list[tuple[pd.DataFrame, list[str]]]:
    """One full cross-classification per crossing: its dims free, every other dim at the total."""
    dims = [d for d, _ in req.delivered_dimensions()]
    out = []
    for combo in req.combinations():
        rest = [d for d in dims if d not in combo]
        mask = (table[rest] == TOTAL).all(axis=1) if rest else pd.Series(True, index=table.index)
        out.append((table.loc[mask, ["time_period", *combo, "obs_value", "obs_status", "conf_status"]], combo))
    return out


def grand_totals_withheld(before: pd.DataFrame, after: pd.DataFrame, dims: list[str]) -> list[str]:
    """The periods whose grand total disclosure control withheld (not the source): a reviewer's first question."""
    grand = (before[dims] == TOTAL).all(axis=1) if dims else pd.Series(True, index=before.index)
    ours = grand & (before["conf_status"].astype(str) == "F") & (after["conf_status"].astype(str) == "C")
    return sorted(before.loc[ours, "time_period"].astype(str).unique().tolist())


def workers_for(tables: dict[str, pd.DataFrame], workers: int | None) -> int:
    """Processes to protect periods in: one for small editions (starting workers costs more than it
    saves), else the machine's cores (at most ``workers``)."""
    if sum(len(t) for t in tables.values()) < PARALLEL_FROM_CELLS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(workers or MAX_WORKERS, cores))


def protect_edition(tables: dict[str, pd.DataFrame], requests: dict[str, Request],
                    codelists: dict[str, Codelist],
                    workers: int | None = None) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """Protected tables, and per table the rule applied, what it cost and its audit (for the manifest)."""
    protected: dict[str, pd.DataFrame] = {}
    report: dict[str, dict] = {}
    frequency = [rid for rid in sorted(tables) if is_frequency_table(requests[rid])]
    for rid in sorted(set(tables) - set(frequency)):
        protected[rid], report[rid] = tables[rid], {"rule": NOT_PROTECTED}
    n = workers_for({rid: tables[rid] for rid in frequency}, workers)
    # spawn, not fork: the caller may be a Prefect task with threads of its own
    with ProcessPoolExecutor(n, mp_context=get_context("spawn")) if n > 1 else nullcontext() as pool:
        for ids in by_group(requests, frequency).values():
            try:
                _protect(ids, tables, requests, codelists, protected, report, True, pool)
            except ValueError:  # the tables disagree on a cell they share: no attacker can link them
                for rid in ids:
                    _protect([rid], tables, requests, codelists, protected, report, False, pool)
    return protected, report


def _protect(ids: list[str], tables, requests, codelists, protected: dict, report: dict, together: bool,
             pool: Executor | None) -> None:
    rules = {rid: rule_for(requests[rid].threshold, is_sensitive(requests[rid], codelists)) for rid in ids}
    sensitive = {rid for rid in ids if is_sensitive(requests[rid], codelists)}
    dims = {rid: [d for d, _ in requests[rid].delivered_dimensions()] for rid in ids}
    small = {rid: periods_too_small(tables[rid], dims[rid], rules[rid]) for rid in ids}
    kept = {rid: totals_only(tables[rid], dims[rid], small[rid]) for rid in ids}
    parts = parts_of([(rid, df, combo) for rid in ids for df, combo in sub_tables(kept[rid], requests[rid])],
                     requests, codelists)
    out, seconds = timed(protect_group, parts, rules, sensitive, pool)
    for rid in ids:
        protected[rid] = apply(kept[rid], rid, out)
        report[rid] = {**rules[rid].manifest(), **counts(kept[rid], rid, out),
                       "withheld_share_floor": withheld_share_floor(kept[rid], dims[rid], rules[rid]), "method": METHOD,
                       "protected_with": [r for r in ids if r != rid] if together else [],
                       "periods_as_total_only": small[rid],
                       "grand_totals_withheld": grand_totals_withheld(kept[rid], protected[rid], dims[rid]),
                       "audit": {"confidential_cells_audited": out.audited, "no_hypercube": out.unmet,
                                 "reinforced": out.escalated, "periods_withheld_whole": out.periods_whole,
                                 "failures_after_reinforcement": out.failures, "passed": True,
                                 "seconds": seconds}}
