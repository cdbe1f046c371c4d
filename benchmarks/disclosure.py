"""Benchmark and audit of disclosure control on the sample edition (after `make run`).

Builds every request's table from the warehouse, protects them all as the `fulfil` flow does
(timed), then attacks the published tables with the *independent* LP attacker of
``validators.disclosure.attack`` (its own equations read off the published frames, the hidden
cube behind several crossings, non-negativity), all tables of one source with the same filters
together. Prints per table: cells, primaries, secondaries, share of the count withheld (the
count of every cell, totals included), grand totals withheld, confidential cells the attacker
narrows below the promise. Run: `make bench-disclosure`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from validators.checks.context import TableContext
from validators.disclosure import attacker_intervals, protect_edition
from validators.disclosure.edition import is_frequency_table, is_sensitive, sub_tables
from validators.disclosure.linked import group_key
from validators.disclosure.rules import primary_mask, rule_for
from validators.publish.edition import published_columns
from validators.spec.lint import load_catalogue
from warehouse.pipeline import build_one

ROOT = Path(__file__).resolve().parent.parent
# The independent attacker solves two scipy LPs per withheld cell over the hidden cube: past this
# many cells per group it takes hours on two cores; the edition's own audit (lp.Attacker) covers all.
MAX_ATTACKED = 5_000


def built_tables(db: Path, cat, reference: date) -> dict[str, pd.DataFrame]:
    out = {}
    for rid in sorted(cat.requests):
        req = cat.requests[rid]
        info, table = build_one(db, cat, rid, reference)
        ctx = TableContext(req, cat.sources[req.source], cat.codelists, info.expected, info.covered, info.fallback)
        if len(table):
            out[rid] = published_columns(table, ctx.dims)
    return out


def narrowed(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame], cat, ids: list[str]) -> dict[str, object]:
    """Confidential cells the independent attacker narrows, per table (None: it cannot read them)."""
    if sum(len(after[rid]) for rid in ids) > MAX_ATTACKED:
        return {rid: "not run" for rid in ids}
    parts, owners = [], []
    for rid in ids:
        for (b, dims), (a, _) in zip(sub_tables(before[rid], cat.requests[rid]), sub_tables(after[rid], cat.requests[rid])):
            parts.append((a, dims))
            owners.append((rid, b))
    try:
        found = attacker_intervals(parts)
    except ValueError as err:  # e.g. a publisher's incomplete cube: the faces' equations do not close
        return {rid: f"n/a ({str(err)[:50]})" for rid in ids}
    out: dict[str, object] = {rid: 0 for rid in ids}
    for (rid, b), intervals in zip(owners, found):
        rule = rule_for(cat.requests[rid].threshold, is_sensitive(cat.requests[rid], cat.codelists))
        confidential = primary_mask(b, rule)
        v = pd.to_numeric(b["obs_value"], errors="coerce")
        for label, (lo, hi) in intervals.iterrows():
            if confidential.get(label, False) and (lo > max(0.0, v[label] - rule.lower) + 1e-6
                                                   or hi < v[label] + rule.upper - 1e-6):
                out[rid] += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "warehouse" / "loipr.duckdb")
    parser.add_argument("--reference-date", default="2025-12-31")
    args = parser.parse_args()
    cat, _ = load_catalogue(ROOT / "specs", None, False)
    with tempfile.TemporaryDirectory() as tmp:  # never hold the office's warehouse lock
        db = Path(tmp) / "w.duckdb"
        shutil.copy(args.db, db)
        before = built_tables(db, cat, date.fromisoformat(args.reference_date))
    start = time.monotonic()
    after, report = protect_edition(before, cat.requests, cat.codelists)
    seconds = time.monotonic() - start
    groups: dict[tuple, list[str]] = defaultdict(list)
    for rid in before:
        if is_frequency_table(cat.requests[rid]):
            groups[(group_key(cat.requests[rid]), repr(sorted(cat.requests[rid].filters.items())))].append(rid)
    attack = {}
    for ids in groups.values():
        attack.update(narrowed(before, after, cat, ids))
    print(f"disclosure control of {len(before)} tables: {seconds:.1f} s")
    print(f"{'table':34} {'cells':>6} {'prim':>5} {'sec':>5} {'share':>6} {'floor':>6} {'grand':>8} {'GT wh':>5} {'narrowed':>9} "
          f"{'audit':>6} {'whole':>5}")
    for rid, r in sorted(report.items()):
        dims = [d for d, _ in cat.requests[rid].delivered_dimensions()]
        # a period published as its total alone keeps only its grand total: compare on the rows kept
        kept = before[rid].loc[after[rid].index]
        grand = (kept[dims] == "_T").all(axis=1) if dims else pd.Series(True, index=kept.index)
        total = pd.to_numeric(kept.loc[grand, "obs_value"], errors="coerce").max()
        withheld_grand = int((after[rid].loc[grand, "conf_status"] == "C").sum()
                             - (kept.loc[grand, "conf_status"] == "C").sum())
        print(f"{rid:34} {r.get('cells', len(after[rid])):>6} {r.get('primary', '-'):>5} {r.get('secondary', '-'):>5} "
              f"{r.get('withheld_share', 0):>6.1%} {r.get('withheld_share_floor', 0):>6.1%} {total if np.isfinite(total) else 0:>8,.0f} {withheld_grand:>5} "
              f"{attack.get(rid, '-')!s:>9} {r.get('audit', {}).get('passed', '-')!s:>6} "
              f"{r.get('audit', {}).get('periods_withheld_whole', '-'):>5}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
