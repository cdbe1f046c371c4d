"""The `load` flow: bring the extracts of some sources into the warehouse, on each source's cadence.

Separate from `fulfil` so that each provider's extract can be loaded when it arrives (Migraciones
monthly, the yearly reports once a year) without building an edition. Loading is idempotent per
file (load_log keyed by source + file + sha256), so a re-run after a crash loads only what is missing.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.states import State

from flows.fulfil import final_state, lint_specs, load_rows, load_source, log_loads
from flows.settings import Settings
from validators.outcome import load_outcome, loads_markdown


@flow(name="load", log_prints=True)
def load(sources: list[str] | None = None, specs: str | None = None, landing: str | None = None,
         db: str | None = None, key_file: str | None = None) -> State:
    """Load every extract of `sources` (all sources when empty); the result: file counts per source.

    Ends Failed (with the result and a table of the extracts as an artifact) when an extract could not be read."""
    logger = get_run_logger()
    given = {"specs": specs, "landing": landing, "db": db, "key_file": key_file}
    s = Settings.from_env().with_paths(**given)
    cat = lint_specs(s.specs)
    unknown = sorted(set(sources or []) - set(cat.sources))
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(sorted(cat.sources))}")
    summary, errors, rows = {}, {}, []
    for source_id in sorted(sources or cat.sources):
        files = load_source(s.db, cat, source_id, s.landing, s.key_file)
        log_loads(logger, files)
        summary[source_id] = {"files": len(files), "errors": sum(bool(f.error) for f in files)}
        errors[source_id] = [f"{f.file}: {f.error}" for f in files if f.error]
        rows += load_rows(files)
    outcome = load_outcome(errors)
    return final_state(outcome, "load-statuses", loads_markdown("Load", outcome, rows), summary)
