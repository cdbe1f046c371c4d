"""The `fulfil` flow: lint -> load (a task per source) -> build and check (a task per request)
-> disclosure control -> publish.

Tasks only call one function of warehouse/ or validators/; the decisions (status, publish or not)
are plain functions of validators/decisions.py. Tasks that touch the DuckDB file run one after
another (DuckDB allows one writer per file).
"""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows import progress
from flows.settings import Settings, default_reference
from validators.checks import TableContext, TableValidation, freshness_findings, validate_table
from validators.decisions import (
    decide,
    failed_requests,
    grouped_notes,
    load_blockers,
    reconciliation_by_source,
    with_load_failure,
)
from validators.disclosure import disclosure_findings, protect_edition
from validators.outcome import (
    LoadRow,
    Outcome,
    StatusRow,
    edition_outcome,
    request_reason,
    statuses_markdown,
)
from validators.publish import build_manifest, publish_edition, published_columns, request_entry
from validators.quiet import captured_stdout
from validators.spec.catalogue import Catalogue
from validators.spec.findings import Finding
from validators.spec.lint import load_catalogue
from warehouse import pipeline
from warehouse.guards import LoadGuards
from warehouse.load import FileLoad
from warehouse.runlock import record_children, run_lock


class SpecsInvalid(RuntimeError):
    pass


class BadOption(ValueError):
    """An option names something the specs do not have (e.g. --request nosuch)."""


def unknown_ids(given: list[str] | None, known, what: str, option: str) -> None:
    unknown = sorted(set(given or []) - set(known))
    if unknown:
        raise BadOption(f"{option}: unknown {what} {', '.join(repr(u) for u in unknown)}; "
                        f"known: {', '.join(sorted(known))}")


@task(name="lint-specs", cache_policy=NO_CACHE)
def lint_specs(specs: Path, landing: Path | None = None, allow_symlinks: bool = False) -> Catalogue:
    catalogue, problems = load_catalogue(specs, landing, allow_symlinks)
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
def load_source(db: Path, cat: Catalogue, source_id: str, landing: Path, key_file: Path,
                guards: LoadGuards = LoadGuards()) -> list[FileLoad]:
    return pipeline.load_one(db, cat, source_id, landing, key_file, guards)


@task(name="build-table", cache_policy=NO_CACHE, task_run_name="build-{request_id}")
def build_table(db: Path, cat: Catalogue, request_id: str, reference: date):
    return pipeline.build_one(db, cat, request_id, reference)


@task(name="validate-table", cache_policy=NO_CACHE, task_run_name="validate-{ctx.request.id}")
def validate(ctx: TableContext, table) -> TableValidation:
    return validate_table(ctx, table)


@task(name="disclosure-control", cache_policy=NO_CACHE)
def disclosure_control(tables, cat: Catalogue):
    with captured_stdout() as solver:  # HiGHS prints a licence banner on fd 1 for each solver it makes
        protected = protect_edition(tables, cat.requests, cat.codelists)
    if solver.text.strip():
        get_run_logger().debug("solver output (kept off the terminal): %s", solver.text.strip()[-2000:])
    return protected


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
            gx_results, sdmx_agency: str) -> Path:
    return publish_edition(outputs, edition, run_id, tables, findings, manifest, cat, gx_results, sdmx_agency)


def log_loads(logger, loads: list[FileLoad]) -> None:
    for f in loads:
        log = logger.error if f.error else logger.info
        log("loaded %s %s: %s read, %s loaded, %s quarantined%s%s", f.source, f.file, f.rows_read,
            f.rows_loaded, f.rows_quarantined, " (unchanged)" if f.skipped else "",
            f" ERROR {f.error}" if f.error else "")
        if f.note:
            logger.warning("%s: %s", f.source, f.note)


def load_rows(loads: list[FileLoad]) -> list[LoadRow]:
    return [LoadRow(f.source, f.file, f.rows_read, f.rows_loaded, f.rows_quarantined,
                    f.error or ("unchanged" if f.skipped else "loaded")) for f in loads]


def final_state(outcome: Outcome, key: str, markdown: str, result: dict) -> State:
    """The run's final state tells the truth (red in the UI when something broke), with its table as an artifact."""
    create_markdown_artifact(markdown=markdown, key=key, description=outcome.message)
    if outcome.failed:
        get_run_logger().error(outcome.message)
        return Failed(message=outcome.message, data=result)
    return Completed(message=outcome.message, data=result)


@flow(name="fulfil", log_prints=True)
def fulfil(reference_date: date | None = None, requests: list[str] | None = None, specs: str | None = None,
           landing: str | None = None, db: str | None = None, outputs: str | None = None,
           key_file: str | None = None, allow_shrink: bool = False) -> State:
    """Build and publish the edition for `reference_date` (default: the last 31 December).

    Ends Failed (with the result) when a request failed or a source could not be read; call it
    with `return_state=True` and read the result with `state.result(raise_on_failure=False)`.
    `allow_shrink`: the office confirms that sources may lose most of their rows (--allow-shrink)."""
    logger = get_run_logger()
    given = {"specs": specs, "landing": landing, "db": db, "outputs": outputs, "key_file": key_file}
    s = Settings.from_env().with_paths(**given)
    reference = reference_date or default_reference()
    with run_lock(s.outputs, f"fulfil {reference}"):  # one run at a time (scheduled or by hand)
        record_children(s.outputs)  # Prefect's temporary server: reaped by the next run if we are killed
        return _fulfil(s, reference, requests, logger, LoadGuards(s.allow_symlinks, allow_shrink))


def _fulfil(s: Settings, reference: date, requests: list[str] | None, logger, guards: LoadGuards) -> State:
    started = time.perf_counter()
    cat = lint_specs(s.specs, s.landing, s.allow_symlinks)
    unknown_ids(requests, cat.requests, "request(s)", "--request")
    wanted = sorted(requests or cat.requests)
    source_ids = sorted({cat.requests[r].source for r in wanted})
    findings: list[Finding] = []
    load_errors: list[Finding] = []
    source_errors: dict[str, list[str]] = {}
    loading = progress.begin("load sources", len(source_ids))
    for source_id in source_ids:
        # quote(): Prefect would otherwise walk every field of the catalogue, the tables and the
        # findings for futures at each task call (measured: most of the build + validate stage)
        loads = load_source(s.db, quote(cat), source_id, s.landing, s.key_file, guards)
        log_loads(logger, loads)
        load_errors += pipeline.load_error_findings(loads)
        source_errors[source_id] = [f"{f.file}: {f.error}" for f in loads if f.error]
        findings += pipeline.load_note_findings(loads)
        loading.advance(source_id)
    seconds = {"load": loading.finish()}
    findings += load_errors
    stale = source_freshness(s.db, quote(cat), source_ids, reference)
    findings += stale + quarantine(s.db, quote(cat), source_ids)
    tables, entries, fulfilments, gx_findings, gx_results, rows, reconciled = {}, {}, {}, [], {}, [], {}
    building = progress.begin("build + validate", len(wanted))
    for request_id in wanted:
        req = cat.requests[request_id]
        info, table = build_table(s.db, quote(cat), request_id, reference)
        ctx = TableContext(req, cat.sources[req.source], cat.codelists, info.expected, info.covered, info.fallback)
        checked = validate(quote(ctx), quote(table))
        findings += info.findings + checked.findings  # what building found (duplicate cells), then the checks
        gx_findings += checked.gx_findings
        if checked.gx_result is not None:
            gx_results[request_id] = (checked.gx_result, checked.gx_suite)
        filtered = pipeline.filter_findings(s.db, cat, request_id)  # a filter that keeps no row
        findings += filtered
        blockers = load_blockers(req.source, load_errors) + filtered
        decision = with_load_failure(decide(req, ctx.source, info.expected, table, info.rows,
                                            info.findings + checked.all_findings + blockers, info.fallback,
                                            data_until=info.data_until and info.data_until.isoformat(),
                                            notes=grouped_notes(req, info.grouped)),
                                     blockers)
        fulfilments[request_id] = decision.fulfilment
        reconciled[request_id] = (req.source, decision.reconciliation)
        entries[request_id] = request_entry(req, info.rows, info.files, cat.request_hash(request_id), decision,
                                            info.grouped)
        if decision.published:
            tables[request_id] = published_columns(table, ctx.dims)
        reason = request_reason(decision.fulfilment, checked.all_findings + findings, req.source, source_errors)
        rows.append(StatusRow(request_id, ", ".join(req.paragraphs), str(decision.fulfilment.status), reason))
        log = logger.error if decision.fulfilment.status == "failed" else logger.info
        log("%s: %s (%s rows, %s errors)%s", request_id, decision.fulfilment.status, info.rows, decision.errors,
            f": {reason}" if reason else "")
        building.advance(request_id)
    seconds["build + validate"] = building.finish()
    protecting = progress.begin("protect", 1)
    tables, disclosure = disclosure_control(quote(tables), quote(cat))
    seconds["protect"] = protecting.finish()
    for request_id, applied in disclosure.items():
        entries[request_id]["disclosure"] = applied
    findings += disclosure_findings(disclosure) + gx_findings
    run_id = uuid.uuid4().hex[:8]
    edition = reference.isoformat()
    manifest = build_manifest(edition, run_id, inputs(s.db, source_ids), dict(cat.hashes), entries, fulfilments,
                              {"stale_sources": {f.spec: f.message for f in stale},
                               "reconciliation": reconciliation_by_source(reconciled)})
    publishing = progress.begin("publish", 1)
    folder = publish(s.outputs, edition, run_id, quote(tables), quote(findings), quote(manifest), quote(cat),
                     quote(gx_results), s.sdmx_agency)
    seconds["publish"] = publishing.finish()
    seconds["total"] = time.perf_counter() - started
    logger.info("published %s: %s", folder, manifest["counts"])
    logger.info(progress.stage_times(seconds))
    result = {"edition": str(folder), "counts": manifest["counts"], "failed": failed_requests(fulfilments),
              "failed_sources": sorted(k for k, v in source_errors.items() if v), "seconds": seconds}
    outcome = edition_outcome(fulfilments, source_errors)
    return final_state(outcome, "edition-statuses", statuses_markdown(f"Edition {edition}", outcome, rows), result)
