"""`loipr`: the command line. Lint, catalogue and schema never start Prefect; run does."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Answer the committee's data requests.")
out = Console()
err = Console(stderr=True)

QUIET_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def default_reference() -> str:
    """The end of the last complete calendar year: the usual reference date of a State report."""
    return f"{date.today().year - 1}-12-31"


@app.command()
def lint(specs: Path = typer.Option(Path("specs"), help="The specs folder")) -> None:
    """Check every spec; print every problem as file:line:column and exit 1 if any."""
    from validators.spec.catalogue import load_catalogue

    catalogue, problems = load_catalogue(specs)
    for problem in problems:
        print(problem)  # one line each, never wrapped: stewards and editors jump to file:line:column
    n = len(catalogue.requests), len(catalogue.sources), len(catalogue.codelists)
    if problems:
        err.print(f"{len(problems)} problem(s) in the specs", style="bold red")
        raise typer.Exit(1)
    out.print(f"specs ok: {n[0]} requests, {n[1]} sources, {n[2]} codelists")


@app.command()
def schema(folder: Path = typer.Option(Path("specs/schema"))) -> None:
    """Export the JSON Schemas that editors use to autocomplete and flag specs."""
    from validators.spec.jsonschema import write_schemas

    for path in write_schemas(folder):
        out.print(f"wrote {path}")


@app.command()
def load(specs: Path = Path("specs"), landing: Path = Path("warehouse/landing"),
         db: Path = Path("warehouse/loipr.duckdb"), source: list[str] = typer.Option(None)) -> None:
    """Load the extracts of every source (or --source ...) into the warehouse, without Prefect."""
    from validators.spec.catalogue import load_catalogue
    from warehouse.db import WarehouseBusy
    from warehouse.pipeline import load_one

    catalogue, problems = load_catalogue(specs)
    if problems:
        for problem in problems:
            err.print(str(problem), markup=False)
        raise typer.Exit(1)
    failed = False
    for source_id in source or sorted(catalogue.sources):
        try:
            loads = load_one(db, catalogue, source_id, landing, Path("warehouse/.pseudonym-key"))
        except WarehouseBusy as busy:
            err.print(str(busy), style="red")
            raise typer.Exit(3)
        for f in loads:
            state = f.error or ("unchanged" if f.skipped else "loaded")
            failed |= bool(f.error)
            out.print(f"{f.source:24} {f.file:70} read {f.rows_read:>9} loaded {f.rows_loaded:>9} "
                      f"quarantined {f.rows_quarantined:>7}  {state}", markup=False)
    raise typer.Exit(1 if failed else 0)


@app.command()
def run(reference_date: str = typer.Option(None, "--reference-date", "-r", help="Edition reference date YYYY-MM-DD"),
        request: list[str] = typer.Option(None, help="Only these requests"),
        specs: str = "specs", landing: str = "warehouse/landing", db: str = "warehouse/loipr.duckdb",
        outputs: str = "outputs") -> None:
    """Run the whole pipeline (Prefect flow `fulfil`) and publish the edition."""
    for key, value in QUIET_PREFECT.items():
        os.environ.setdefault(key, value)
    from flows.fulfil import SpecsInvalid, fulfil
    from warehouse.db import WarehouseBusy

    reference = reference_date or default_reference()
    out.print(f"fulfil: edition {reference} (Prefect flow; a temporary local server starts if none is set)")
    try:
        result = fulfil(reference_date=reference, specs=specs, landing=landing, db=db, outputs=outputs,
                        requests=request or None)
    except SpecsInvalid as bad:
        err.print(str(bad), markup=False)
        raise typer.Exit(1)
    except WarehouseBusy as busy:
        err.print(str(busy), style="red")
        raise typer.Exit(3)
    _print_summary(Path(result["edition"]))
    if result["failed"]:
        err.print(f"not published (failed validation): {', '.join(result['failed'])}", style="bold red")
        raise typer.Exit(2)


def _print_summary(edition: Path) -> None:
    manifest = json.loads((edition / "manifest.json").read_text())
    table = Table(title=f"Edition {manifest['edition']} -> {edition}")
    for col in ("request", "paragraph", "status", "rows", "published", "errors", "warnings"):
        table.add_column(col)
    for rid, info in manifest["requests"].items():
        table.add_row(rid, ", ".join(info["paragraph"]), info["fulfilment"]["status"], str(info["rows"]),
                      "yes" if info["published"] else "NO", str(info["errors"]), str(info["warnings"]))
    out.print(table)
    out.print("counts: " + ", ".join(f"{k} {v}" for k, v in manifest["counts"].items()))


@app.command()
def catalogue(specs: Path = Path("specs"), edition: Path = typer.Option(None, help="Show statuses of this edition")) -> None:
    """The table of requests: paragraph, title, breakdowns asked, status."""
    from validators.spec.catalogue import load_catalogue

    cat, problems = load_catalogue(specs)
    statuses = {}
    if edition and (edition / "manifest.json").exists():
        manifest = json.loads((edition / "manifest.json").read_text())
        statuses = {r: i["fulfilment"]["status"] for r, i in manifest["requests"].items()}
    table = Table(title="Requests of the list of issues")
    for col in ("paragraph", "request", "title", "breakdowns asked", "source", "status"):
        table.add_column(col)
    for rid, req in sorted(cat.requests.items(), key=lambda kv: kv[1].paragraphs[0]):
        asked = [d + (" (n/a)" if d in req.unavailable else "") for d, _ in req.dimensions()]
        table.add_row(", ".join(req.paragraphs), rid, req.title.en, ", ".join(asked), req.source,
                      statuses.get(rid, "not run"))
    out.print(table)
    if problems:
        err.print(f"{len(problems)} problem(s) in the specs: run `loipr lint`", style="red")
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
