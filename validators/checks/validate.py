"""Every check of one built table, pandera's and GX's, before the decision to publish it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from validators.spec.findings import Finding, finding

from .additivity import describe_missing, missing_periods
from .context import TableContext
from .gx import findings_from_result, gx_frame, run_checkpoint, suite_failure
from .registry import CONTRACT, expectations
from .schema import pandera_findings


@dataclass(frozen=True)
class TableValidation:
    findings: list[Finding]          # pandera's and the coverage of the requested periods
    gx_findings: list[Finding] = field(default_factory=list)
    gx_result: dict | None = None    # the GX validation result (JSON), for validation/<request>.json
    gx_suite: list[dict] = field(default_factory=list)  # the expectations, for <request>.suite.json

    @property
    def all_findings(self) -> list[Finding]:
        return [*self.findings, *self.gx_findings]


def coverage_finding(ctx: TableContext, table: pd.DataFrame) -> Finding | None:
    """The requested periods the table lacks, with the fallback delivered instead, if any."""
    if len(table) == 0:
        return finding("period_coverage", ctx.request.id, source_file=f"cube_{ctx.request.id}",
                       column="time_period", detail=describe_missing(ctx.expected))
    missing = missing_periods(ctx.expected, sorted(table["time_period"].unique()))
    if not missing:
        return None
    message = describe_missing(missing)
    if ctx.fallback:
        message += f"; the latest available instead: {', '.join(ctx.fallback)}"
    return finding("period_coverage", ctx.request.id, source_file=f"cube_{ctx.request.id}", column="time_period",
                   value=", ".join(missing[:6]), detail=message)


def gx_validation(ctx: TableContext, table: pd.DataFrame, source_file: str) -> tuple[list[Finding], dict | None, list]:
    expects = expectations(ctx, table)
    suite = [{"type": e.type, "kwargs": e.kwargs, "check": e.check} for e in expects]
    try:
        result = run_checkpoint(ctx.request.id, gx_frame(table), expects)
    except Exception as exc:  # noqa: BLE001 - any GX failure is reported, never swallowed
        return [suite_failure(ctx.request.id, source_file, exc)], None, suite
    return findings_from_result(ctx.request.id, result, source_file), result, suite


def validate_table(ctx: TableContext, table: pd.DataFrame, gx: bool = True) -> TableValidation:
    """All findings for one table: schema checks, period coverage, and the GX suite.

    An empty table (the source gives nothing for the period asked) gets only its coverage finding."""
    coverage = coverage_finding(ctx, table)
    if len(table) == 0:
        return TableValidation([coverage])
    found = pandera_findings(ctx, table) + ([coverage] if coverage else [])
    if not gx:
        return TableValidation(found)
    published = table[[c for c in [CONTRACT[0], *ctx.dims, *CONTRACT[1:]] if c in table.columns]]
    gx_findings, result, suite = gx_validation(ctx, published, f"tables/{ctx.request.id}.csv")
    return TableValidation(found, gx_findings, result, suite)
