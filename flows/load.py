"""The `load` flow: bring the extracts of some sources into the warehouse, on each source's cadence.

Separate from `fulfil` so that each provider's extract can be loaded when it arrives (Migraciones
monthly, the yearly reports once a year) without building an edition. Loading is idempotent per
file (load_log keyed by source + file + sha256), so a re-run after a crash loads only what is missing.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.states import State

from flows.fulfil import final_state, lint_specs, load_rows, load_source, log_loads, unknown_ids
from flows.settings import Settings
from validators.outcome import load_outcome, loads_markdown
from warehouse.guards import LoadGuards
from warehouse.runlock import record_children, run_lock


@flow(name="load", log_prints=True)
def load(sources: list[str] | None = None, specs: str | None = None, landing: str | None = None,
         db: str | None = None, key_file: str | None = None, outputs: str | None = None,
         allow_shrink: bool = False) -> State:
    """Load every extract of `sources` (all sources when empty); the result: file counts per source.

    Ends Failed (with the result and a table of the extracts as an artifact) when an extract could not be read."""
    logger = get_run_logger()
    given = {"specs": specs, "landing": landing, "db": db, "key_file": key_file, "outputs": outputs}
    s = Settings.from_env().with_paths(**given)
    with run_lock(s.outputs, "load flow"):  # one run at a time, with the edition runs
        record_children(s.outputs)
        return _load(s, sources, logger, LoadGuards(s.allow_symlinks, allow_shrink))


def _load(s: Settings, sources: list[str] | None, logger, guards: LoadGuards) -> State:
    cat = lint_specs(s.specs, s.landing, s.allow_symlinks)
    unknown_ids(sources, cat.sources, "source(s)", "--source")
    summary, errors, rows = {}, {}, []
    for source_id in sorted(sources or cat.sources):
        files = load_source(s.db, cat, source_id, s.landing, s.key_file, guards)
        log_loads(logger, files)
        summary[source_id] = {"files": len(files), "errors": sum(bool(f.error) for f in files)}
        errors[source_id] = [f"{f.file}: {f.error}" for f in files if f.error]
        rows += load_rows(files)
    outcome = load_outcome(errors)
    return final_state(outcome, "load-statuses", loads_markdown("Load", outcome, rows), summary)
