"""The `fulfil` flow: lint -> load (a task per source) -> build and check (a task per request)
-> disclosure control -> publish.

Tasks only call one function of warehouse/ or validators/; the decisions (status, publish or not)
are plain functions of validators/decisions.py. Tasks that touch the DuckDB file run one after
another (DuckDB allows one writer per file).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows.settings import Settings, default_reference
from validators.checks import TableContext, TableValidation, freshness_findings, validate_table
from validators.decisions import (decide, failed_requests, load_blockers, reconciliation_by_source,
                                  with_load_failure)
from validators.disclosure import disclosure_findings, protect_edition
from validators.publish import build_manifest, publish_edition, published_columns, request_entry
from validators.spec.catalogue import Catalogue
from validators.spec.findings import Finding
from validators.spec.lint import load_catalogue
from warehouse import pipeline
from warehouse.load import FileLoad


class SpecsInvalid(RuntimeError):
    pass


@task(name="lint-specs", cache_policy=NO_CACHE)
def lint_specs(specs: Path) -> Catalogue:
    catalogue, problems = load_catalogue(specs)
    if problems:
        raise SpecsInvalid("the specs have problems; nothing was loaded or published:\n"
                           + "\n".join(str(p) for p in problems))
    return catalogue


def transient_io_error(task, task_run, state) -> bool:
    """Retry only what a second try can fix (a share or disk hiccup); never a busy warehouse or bad data."""
    try:
        state.result()
    except OSError:
        return True
    except BaseException:
        return False
    return False


@task(name="load-source", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(2),
      retry_condition_fn=transient_io_error, task_run_name="load-{source_id}")
def load_source(db: Path, cat: Catalogue, source_id: str, landing: Path, key_file: Path) -> list[FileLoad]:
    return pipeline.load_one(db, cat, source_id, landing, key_file)


@task(name="build-table", cache_policy=NO_CACHE, task_run_name="build-{request_id}")
def build_table(db: Path, cat: Catalogue, request_id: str, reference: date):
    return pipeline.build_one(db, cat, request_id, reference)


@task(name="validate-table", cache_policy=NO_CACHE, task_run_name="validate-{ctx.request.id}")
def validate(ctx: TableContext, table) -> TableValidation:
    return validate_table(ctx, table)


@task(name="disclosure-control", cache_policy=NO_CACHE)
def disclosure_control(tables, cat: Catalogue, budget: float):
    return protect_edition(tables, cat.requests, cat.codelists, budget=budget)


@task(name="source-freshness", cache_policy=NO_CACHE)
def source_freshness(db: Path, cat: Catalogue, source_ids: list[str], reference: date) -> list[Finding]:
    return freshness_findings({s: cat.sources[s] for s in source_ids},
                              pipeline.newest_data(db, cat, source_ids), reference)


@task(name="quarantine-findings", cache_policy=NO_CACHE)
def quarantine(db: Path, cat: Catalogue, source_ids: list[str]) -> list[Finding]:
    return pipeline.quarantine_findings(db, cat, source_ids)


@task(name="load-log", cache_policy=NO_CACHE)
def inputs(db: Path, source_ids: list[str]) -> list[dict]:
    return pipeline.load_log(db, source_ids)


@task(name="publish-edition", cache_policy=NO_CACHE)
def publish(outputs: Path, edition: str, run_id: str, tables, findings, manifest, cat: Catalogue,
            gx_results) -> Path:
    return publish_edition(outputs, edition, run_id, tables, findings, manifest, cat, gx_results)


def log_loads(logger, loads: list[FileLoad]) -> None:
    for f in loads:
        logger.info("loaded %s %s: %s read, %s loaded, %s quarantined%s%s", f.source, f.file, f.rows_read,
                    f.rows_loaded, f.rows_quarantined, " (unchanged)" if f.skipped else "",
                    f" ERROR {f.error}" if f.error else "")


@flow(name="fulfil", log_prints=True)
def fulfil(reference_date: date | None = None, requests: list[str] | None = None, specs: str | None = None,
           landing: str | None = None, db: str | None = None, outputs: str | None = None,
           key_file: str | None = None) -> dict:
    """Build and publish the edition for `reference_date` (default: the last 31 December)."""
    logger = get_run_logger()
    given = {"specs": specs, "landing": landing, "db": db, "outputs": outputs, "key_file": key_file}
    s = Settings.from_env().with_paths(**given)
    reference = reference_date or default_reference()
    cat = lint_specs(s.specs)
    wanted = sorted(requests or cat.requests)
    source_ids = sorted({cat.requests[r].source for r in wanted})
    findings: list[Finding] = []
    load_errors: list[Finding] = []
    for source_id in source_ids:
        loads = load_source(s.db, cat, source_id, s.landing, s.key_file)
        log_loads(logger, loads)
        load_errors += pipeline.load_error_findings(loads)
    findings += load_errors
    stale = source_freshness(s.db, cat, source_ids, reference)
    findings += stale + quarantine(s.db, cat, source_ids)
    tables, entries, fulfilments, gx_findings, gx_results, reconciled = {}, {}, {}, [], {}, {}
    for request_id in wanted:
        req = cat.requests[request_id]
        info, table = build_table(s.db, cat, request_id, reference)
        ctx = TableContext(req, cat.sources[req.source], cat.codelists, info.expected, info.covered, info.fallback)
        checked = validate(ctx, table)
        findings += info.findings + checked.findings  # what building found (duplicate cells), then the checks
        gx_findings += checked.gx_findings
        if checked.gx_result is not None:
            gx_results[request_id] = (checked.gx_result, checked.gx_suite)
        filtered = pipeline.filter_findings(s.db, cat, request_id)  # a filter that keeps no row
        findings += filtered
        blockers = load_blockers(req.source, load_errors) + filtered
        decision = with_load_failure(decide(req, ctx.source, info.expected, table, info.rows,
                                            info.findings + checked.all_findings + blockers, info.fallback,
                                            data_until=info.data_until and info.data_until.isoformat()),
                                     blockers)
        fulfilments[request_id] = decision.fulfilment
        reconciled[request_id] = (req.source, decision.reconciliation)
        entries[request_id] = request_entry(req, info.rows, info.files, cat.request_hash(request_id), decision)
        if decision.published:
            tables[request_id] = published_columns(table, ctx.dims)
        logger.info("%s: %s (%s rows, %s errors)", request_id, decision.fulfilment.status, info.rows, decision.errors)
    tables, disclosure = disclosure_control(tables, cat, s.disclosure_budget)
    for request_id, applied in disclosure.items():
        entries[request_id]["disclosure"] = applied
    findings += disclosure_findings(disclosure) + gx_findings
    run_id = uuid.uuid4().hex[:8]
    edition = reference.isoformat()
    manifest = build_manifest(edition, run_id, inputs(s.db, source_ids), dict(cat.hashes), entries, fulfilments,
                              {"stale_sources": {f.spec: f.message for f in stale},
                               "reconciliation": reconciliation_by_source(reconciled)})
    folder = publish(s.outputs, edition, run_id, tables, findings, manifest, cat, gx_results)
    logger.info("published %s: %s", folder, manifest["counts"])
    return {"edition": str(folder), "counts": manifest["counts"], "failed": failed_requests(fulfilments)}
