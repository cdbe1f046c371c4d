"""The `load` flow: bring the extracts of some sources into the warehouse, on each source's cadence.

Separate from `fulfil` so that each provider's extract can be loaded when it arrives (Migraciones
monthly, the yearly reports once a year) without building an edition. Loading is idempotent per
file (load_log keyed by source + file + sha256), so a re-run after a crash loads only what is missing.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.fulfil import lint_specs, load_source


@flow(name="load", log_prints=True)
def load(sources: list[str] | None = None, specs: str = "specs", landing: str = "warehouse/landing",
         db: str = "warehouse/loipr.duckdb", key_file: str = "warehouse/.pseudonym-key") -> dict:
    """Load every extract of `sources` (all sources when empty); return file counts per source."""
    logger = get_run_logger()
    cat = lint_specs(Path(specs))
    unknown = sorted(set(sources or []) - set(cat.sources))
    if unknown:
        raise ValueError(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(sorted(cat.sources))}")
    summary = {}
    for source_id in sorted(sources or cat.sources):
        files = load_source(Path(db), cat, source_id, Path(landing), Path(key_file))
        for f in files:
            logger.info("loaded %s %s: %s read, %s loaded%s%s", f["source"], f["file"], f["rows_read"],
                        f["rows_loaded"], " (unchanged)" if f["skipped"] else "",
                        f" ERROR {f['error']}" if f["error"] else "")
        summary[source_id] = {"files": len(files), "errors": sum(bool(f["error"]) for f in files)}
    return summary
