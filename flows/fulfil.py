"""The `fulfil` flow: lint -> load (a task per source) -> build and validate (a task per request) -> publish.

Tasks only call one function of warehouse/ or validators/. Tasks that touch the DuckDB file run
one after another (DuckDB allows one writer per file).
"""

from __future__ import annotations

import uuid
from functools import partial
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from validators.disclosure import protect_edition
from validators.freshness import freshness_findings
from validators.fulfilment import fulfilment, present_periods
from validators.report import write_reviewer_files
from validators.publish import build_manifest, pause_for_test, publish_edition, published_columns
from validators.spec.catalogue import Catalogue, load_catalogue
from validators.table import TableContext, has_errors, validate_table
from warehouse import pipeline


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
def load_source(db: Path, cat: Catalogue, source_id: str, landing: Path, key_file: Path) -> list[dict]:
    loads = pipeline.loads_as_dicts(pipeline.load_one(db, cat, source_id, landing, key_file))
    pause_for_test("load")  # committed, next source not yet loaded: a crash here must not duplicate rows
    return loads


@task(name="build-table", cache_policy=NO_CACHE, task_run_name="build-{request_id}")
def build_table(db: Path, cat: Catalogue, request_id: str, reference: date):
    return pipeline.build_one(db, cat, request_id, reference)


@task(name="validate-table", cache_policy=NO_CACHE, task_run_name="validate-{ctx.request.id}")
def validate(ctx: TableContext, table) -> list[dict]:
    return validate_table(ctx, table)


@task(name="disclosure-control", cache_policy=NO_CACHE)
def disclosure_control(tables, cat: Catalogue):
    return protect_edition(tables, cat.requests, cat.codelists)


@task(name="source-freshness", cache_policy=NO_CACHE)
def source_freshness(db: Path, cat: Catalogue, source_ids: list[str], reference: date) -> list[dict]:
    return freshness_findings({s: cat.sources[s] for s in source_ids},
                              pipeline.newest_data(db, cat, source_ids), reference)


@task(name="quarantine-findings", cache_policy=NO_CACHE)
def quarantine(db: Path, cat: Catalogue, source_ids: list[str]) -> list[dict]:
    return pipeline.quarantine_findings(db, cat, source_ids)


@task(name="load-log", cache_policy=NO_CACHE)
def inputs(db: Path, source_ids: list[str]) -> list[dict]:
    return pipeline.load_log(db, source_ids)


@task(name="publish-edition", cache_policy=NO_CACHE)
def publish(outputs: Path, edition: str, run_id: str, tables, findings, manifest, specs: Path | None = None) -> Path:
    # GX results, report.html and annex.xlsx are written into the staging folder: one rename publishes all
    extras = [partial(write_reviewer_files, specs=specs)] if specs else []
    return publish_edition(outputs, edition, run_id, tables, findings, manifest, extras=extras)


@flow(name="fulfil", log_prints=True)
def fulfil(reference_date: str | None = None, specs: str = "specs", landing: str = "warehouse/landing",
           db: str = "warehouse/loipr.duckdb", outputs: str = "outputs",
           requests: list[str] | None = None, key_file: str = "warehouse/.pseudonym-key") -> dict:
    """Build and publish the edition for `reference_date` (YYYY-MM-DD; default: last 31 December)."""
    logger = get_run_logger()
    # Scheduled runs pass no date: the yearly edition is for the year just closed.
    reference_date = reference_date or f"{date.today().year - 1}-12-31"
    reference = date.fromisoformat(reference_date)
    cat = lint_specs(Path(specs))
    wanted = sorted(requests or cat.requests)
    source_ids = sorted({cat.requests[r].source for r in wanted})
    load_errors = []
    for source_id in source_ids:
        for f in load_source(Path(db), cat, source_id, Path(landing), Path(key_file)):
            logger.info("loaded %s %s: %s read, %s loaded, %s quarantined%s", f["source"], f["file"],
                        f["rows_read"], f["rows_loaded"], f["rows_quarantined"], " (unchanged)" if f["skipped"] else "")
            if f["error"]:
                load_errors.append({"spec": source_id, "source_file": f["file"], "row": None, "column": None,
                                    "check": "extract_readable", "value": None, "message": f["error"],
                                    "severity": "error"})
    stale = source_freshness(Path(db), cat, source_ids, reference)
    findings = list(load_errors) + stale + quarantine(Path(db), cat, source_ids)
    tables, infos, fulfilments = {}, {}, {}
    for request_id in wanted:
        req = cat.requests[request_id]
        info, table = build_table(Path(db), cat, request_id, reference)
        ctx = TableContext(req, cat.sources[req.source], cat.codelists, info.expected, info.covered, info.fallback)
        table_findings = validate(ctx, table)
        findings += table_findings
        errors = sum(f["severity"] == "error" for f in table_findings)
        fulfilments[request_id] = fulfilment(req, ctx.source, info.expected, present_periods(table), info.rows,
                                              errors, info.fallback)
        infos[request_id] = {"paragraph": req.paragraphs, "title": req.title.model_dump(), "source": req.source,
                             "rows": info.rows, "published": not has_errors(table_findings) and info.rows > 0,
                             "source_files": info.files, "spec_sha256": cat.request_hash(request_id),
                             "errors": errors, "warnings": len(table_findings) - errors}
        if infos[request_id]["published"]:
            tables[request_id] = published_columns(table, ctx.dims)
        logger.info("%s: %s (%s rows, %s errors)", request_id, fulfilments[request_id].status, info.rows, errors)
    tables, disclosure = disclosure_control(tables, cat)
    for request_id, applied in disclosure.items():
        infos[request_id]["disclosure"] = applied
        if "secondary_not_applied" in applied:
            findings.append({"spec": request_id, "source_file": f"cube_{request_id}", "row": None, "column": None,
                             "check": "disclosure_secondary", "value": None,
                             "message": applied["secondary_not_applied"], "severity": "warning"})
    run_id = uuid.uuid4().hex[:8]
    manifest = build_manifest(reference_date, run_id, inputs(Path(db), source_ids),
                              {p: h for p, h in cat.hashes.items()}, infos, fulfilments,
                              {"stale_sources": {f["spec"]: f["message"] for f in stale}})
    folder = publish(Path(outputs), reference_date, run_id, tables, findings, manifest, Path(specs))
    logger.info("published %s: %s", folder, manifest["counts"])
    return {"edition": str(folder), "counts": manifest["counts"],
            "failed": [r for r, f in fulfilments.items() if f.status == "failed"]}
