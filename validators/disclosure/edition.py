"""Disclosure control of an edition: which rule each table gets, and protecting them together.

Tables built from the same source share cells (a total of one is a cell of another), so they are
protected in one joint problem: a cell withheld in one table is withheld wherever it is published.
A table published as several crossings (`cross:`) is split into one full sub-table per crossing.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from queue import Empty

import pandas as pd

from validators.spec.model import TOTAL, Codelist, Request

from .fallback import withhold_with_totals
from .audit import Part, audited, withheld_whole
from .protect import ProtectedTable, protect_many
from .rules import primary_mask, rule_for

PERSON_UNITS = {"PS", "NUMBER"}  # frequency tables: counts of persons, cases, movements
NOT_PROTECTED = "not protected: a magnitude table without contributor data (a national total per period)"


def is_sensitive(req: Request, codelists: dict[str, Codelist]) -> bool:
    """Stricter rule for trafficking, expulsion, children, health: declared, or by a sensitive codelist."""
    if req.sensitive is not None:
        return req.sensitive
    return any(codelists[c].sensitive for _, c in req.delivered_dimensions() if c in codelists)


def is_frequency_table(req: Request) -> bool:
    return req.measure.kind == "count" or req.measure.unit in PERSON_UNITS


def share_key(req: Request) -> tuple:
    """Tables share cells only if they count the same records by the same periods: same source,
    same filters, same frequency. (A table of returns, filtered to Peruvians entering, has a
    'direction=ENTRY, sex=F' cell that is not the movements table's cell of the same codes.)"""
    filters = tuple(sorted((k, tuple([v] if isinstance(v, str) else v)) for k, v in req.filters.items()))
    return (req.source, filters, req.period.frequency)


def sub_tables(table: pd.DataFrame, req: Request) -> list[tuple[pd.DataFrame, list[str]]]:
    """One full cross-classification per crossing: its dims free, every other dim at the total."""
    dims = [d for d, _ in req.delivered_dimensions()]
    out = []
    for combo in req.combinations():
        rest = [d for d in dims if d not in combo]
        mask = (table[rest] == TOTAL).all(axis=1) if rest else pd.Series(True, index=table.index)
        out.append((table.loc[mask, ["time_period", *combo, "obs_value", "obs_status", "conf_status"]], combo))
    return out


def _merge_back(table: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """A row withheld in any sub-table it belongs to is withheld (the solver keeps them consistent)."""
    out = table.copy()
    out["conf_status"] = out["conf_status"].astype(object)
    for part in parts:
        withheld = part[part["conf_status"].isin(["C", "D"])]
        for idx, status in withheld["conf_status"].items():
            if out.at[idx, "conf_status"] not in ("C", "D") or status == "C":
                out.at[idx, "conf_status"] = status
    out.loc[out["conf_status"].isin(["C", "D"]), "obs_value"] = None
    return out


def protect_edition(tables: dict[str, pd.DataFrame], requests: dict[str, Request],
                    codelists: dict[str, Codelist], time_limit: float = 5.0, budget: float = 10.0,
                    audit_budget: float = 30.0) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """Protected tables, and per table the rule applied and what it cost (for the manifest).

    ``time_limit`` is the optimiser's time per period; ``budget`` the seconds it gets per group of
    tables sharing cells, past which the group gets the pattern that withholds the totals too.
    Either pattern is audited (``audit``) before it is returned: reinforced until the attacker
    fails, or withheld whole. Returned tables carry one flag, C, for every withheld cell; the
    report keeps the primary / secondary counts and the audit of each table.
    """
    protected: dict[str, pd.DataFrame] = {}
    report: dict[str, dict] = {}
    by_source: dict[tuple, list[str]] = defaultdict(list)
    for rid in sorted(tables):
        if is_frequency_table(requests[rid]):
            by_source[share_key(requests[rid])].append(rid)
        else:
            protected[rid] = tables[rid]
            report[rid] = {"rule": NOT_PROTECTED}
    for ids in by_source.values():
        rules = {rid: rule_for(requests[rid].threshold, is_sensitive(requests[rid], codelists)) for rid in ids}
        jobs, owners = [], []
        for rid in ids:
            for part in sub_tables(tables[rid], requests[rid]):
                jobs.append(part)
                owners.append(rid)
        try:
            results = _optimised_within(jobs, [rules[r] for r in owners], time_limit, budget)
        except ValueError as err:  # a publisher's cube that is incomplete or does not add up
            for rid in ids:
                protected[rid], report[rid] = _primary_only(tables[rid], requests[rid], codelists, str(err))
                report[rid]["audit"] = {"passed": None, "not_run": f"the totals are not a consistent cube ({err})"}
            continue
        if results is None:  # out of time: the pattern that withholds the totals too, then audited
            group = {rid: (tables[rid], [d for d, _ in requests[rid].delivered_dimensions()], rules[rid]) for rid in ids}
            patterns = withhold_with_totals(group)
            method = {rid: {"optimal": False, "method": f"primary cells and every total they add up into (the "
                            f"optimiser needed more than {budget:g} s for source '{requests[rid].source}')"} for rid in ids}
        else:
            patterns = {rid: _merge_back(tables[rid], [r.table for r, o in zip(results, owners) if o == rid])
                        for rid in ids}
            method = {rid: {"optimal": all(r.summary.optimal for r, o in zip(results, owners) if o == rid),
                            "method": "secondary suppression at least cost"} for rid in ids}
        parts = [Part(rid, before, after, dims, rules[rid]) for rid in ids
                 for (before, dims), (after, _) in zip(sub_tables(tables[rid], requests[rid]),
                                                       sub_tables(patterns[rid], requests[rid]))]
        parts, audits = _audited_within(parts, audit_budget)
        for rid in ids:
            protected[rid] = _merge_back(tables[rid], [p.after for p in parts if p.rid == rid])
            report[rid] = {**rules[rid].manifest(), **_counts(protected[rid], tables[rid]), **method[rid],
                           "audit": audits[rid]}
    return {rid: one_flag(t) for rid, t in protected.items()}, report


def one_flag(table: pd.DataFrame) -> pd.DataFrame:
    """Contract v2: C for every withheld cell; which were primary stays in the manifest counts."""
    out = table.copy()
    out.loc[out["conf_status"].astype(str) == "D", "conf_status"] = "C"
    return out


def _worker(queue, jobs, rules, time_limit) -> None:
    try:
        queue.put(("ok", protect_many(jobs, rules, time_limit=time_limit, prune=False)))
    except ValueError as err:
        queue.put(("error", str(err)))


def _audit_worker(queue, parts, budget) -> None:
    queue.put(audited(parts, budget))


def _audited_within(parts: list[Part], budget: float) -> tuple[list[Part], dict[str, dict]]:
    """The audit (and reinforcement) in a child process stopped after ``budget`` seconds; past it
    every cell of the group's tables is withheld (nothing published, nothing to narrow)."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_audit_worker, args=(queue, parts, budget), daemon=True)
    child.start()
    try:
        return queue.get(timeout=budget)
    except Empty:
        whole = withheld_whole(parts)
        return whole, {p.rid: {"cells_audited": 0, "promised": 0, "failures": 0, "passed": True,
                               "withheld_whole": True, "timed_out": True, "seconds": budget} for p in whole}
    finally:
        child.terminate()
        child.join()


def _optimised_within(jobs, rules, time_limit: float, budget: float) -> list[ProtectedTable] | None:
    """The optimiser's pattern, in a child process stopped after `budget` seconds (None then).

    HiGHS cannot be interrupted from Python and a scheduled edition must end: the child is.
    """
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs Prefect's threads
    queue = ctx.Queue()
    child = ctx.Process(target=_worker, args=(queue, jobs, rules, time_limit), daemon=True)
    child.start()
    try:
        kind, result = queue.get(timeout=budget)
    except Empty:
        return None
    finally:
        child.terminate()
        child.join()
    if kind == "error":
        raise ValueError(result)
    return result


def _counts(after: pd.DataFrame, before: pd.DataFrame) -> dict:
    status = after["conf_status"]
    values = pd.to_numeric(before["obs_value"], errors="coerce").fillna(0)
    free = before["conf_status"] == "F"
    total = float(values[free].sum()) or 1.0
    return {"cells": len(after), "primary": int(((status == "C") & free).sum()),
            "secondary": int((status == "D").sum()), "source_withheld": int((~free).sum()),
            "withheld_share": round(float(values[free & status.isin(["C", "D"])].sum()) / total, 4)}


def _primary_only(table: pd.DataFrame, req: Request, codelists: dict[str, Codelist],
                  reason: str) -> tuple[pd.DataFrame, dict]:
    """Withhold the risky cells only: without consistent totals no complement can be computed."""
    rule = rule_for(req.threshold, is_sensitive(req, codelists))
    out = table.copy()
    risky = primary_mask(out, rule) & (out["conf_status"] == "F")
    out.loc[risky, "conf_status"] = "C"
    out.loc[out["conf_status"].isin(["C", "D"]), "obs_value"] = None
    return out, {**rule.manifest(), "cells": len(out), "primary": int(risky.sum()), "secondary": 0,
                 "source_withheld": int((table["conf_status"] != "F").sum()),
                 "secondary_not_applied": f"the table's totals are not a consistent cube ({reason}): "
                                          "only cells below the threshold are withheld"}
