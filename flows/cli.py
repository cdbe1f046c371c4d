"""`loipr`: the command line. Lint, catalogue and schema never start Prefect; run does."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from flows.cli_editions import register as register_editions
from flows.cli_sdmx import register as register_sdmx
from flows.settings import (
    BadReferenceDate,
    Settings,
    default_reference,
    parse_reference_date,
    quiet_prefect,
    worker_prefect,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Answer the committee's data requests.")
out = Console()
err = Console(stderr=True)
SETTINGS = Settings.from_env()  # read once; options given on the command line win


@app.command()
def lint(specs: Path = typer.Option(SETTINGS.specs, help="The specs folder"),
         landing: Path = typer.Option(SETTINGS.landing, help="The landing folder: every source path must stay in "
                                      "it, and extracts present there are checked too (headers, date formats)")) -> None:
    """Check every spec (and the extracts present); print every problem as file:line:column and exit 1 if any."""
    from validators.spec.extracts import extract_problems
    from validators.spec.lint import load_catalogue

    catalogue, problems = load_catalogue(specs, landing, SETTINGS.allow_symlinks)
    problems = sorted(set(problems) | set(extract_problems(catalogue, landing)),
                      key=lambda p: (p.file, p.line, p.column, p.message))
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
def load(specs: Path = SETTINGS.specs, landing: Path = SETTINGS.landing, db: Path = SETTINGS.db,
         outputs: Path = typer.Option(SETTINGS.outputs, help="The outputs folder (its lock serialises runs)"),
         source: list[str] = typer.Option(None),
         allow_shrink: bool = typer.Option(False, help="Confirm that a source may lose most of its loaded rows")) -> None:
    """Load the extracts of every source (or --source ...) into the warehouse, without Prefect."""
    from validators.spec.lint import load_catalogue
    from warehouse.db import WarehouseBusy
    from warehouse.guards import LoadGuards
    from warehouse.pipeline import load_one
    from warehouse.runlock import RunLocked, run_lock

    catalogue, problems = load_catalogue(specs, landing, SETTINGS.allow_symlinks)
    if problems:
        for problem in problems:
            print(problem)
        raise typer.Exit(1)
    unknown = sorted(set(source or []) - set(catalogue.sources))
    if unknown:
        err.print(f"--source: unknown source(s) {', '.join(unknown)}; known: {', '.join(sorted(catalogue.sources))}",
                  markup=False, soft_wrap=True)
        raise typer.Exit(1)
    failed = False
    guards = LoadGuards(SETTINGS.allow_symlinks, allow_shrink)
    try:
        with run_lock(outputs, "loipr load"):
            for source_id in source or sorted(catalogue.sources):
                loads = load_one(db, catalogue, source_id, landing, SETTINGS.key_file, guards)
                failed |= _print_loads(source_id, loads, catalogue.sources[source_id].path, landing, bool(source))
    except (WarehouseBusy, RunLocked) as busy:
        err.print(str(busy), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(3)
    raise typer.Exit(1 if failed else 0)


def _print_loads(source_id: str, loads: list, pattern: str, landing: Path, asked: bool) -> bool:
    """One line per file; an explicitly asked source with no file is an error. True if anything failed."""
    if not loads:
        print(f"{source_id}: no file matches '{pattern}' in {landing}; nothing loaded"
              + ("; deliver the extract there or correct the source's path" if asked else " (not delivered yet)"))
        return asked
    failed = False
    for f in loads:
        state = f.error or f.note or ("unchanged" if f.skipped else "loaded")
        failed |= bool(f.error)
        print(f"{f.source:24} {f.file:70} read {f.rows_read:>9} loaded {f.rows_loaded:>9} "
              f"quarantined {f.rows_quarantined:>7}  {one_line(state)}")
    return failed


def one_line(text: str) -> str:
    """Messages stay on one line: a newline inside a value would split a problem in two."""
    return " ".join(str(text).split())


@app.command()
def quarantine(source: str = typer.Option(..., "--source", help="The source whose quarantined rows to show"),
               rule: str = typer.Option(None, "--rule", help="Only rows quarantined by this check"),
               limit: int = typer.Option(50, "--limit", min=1, help="At most this many rows"),
               db: Path = SETTINGS.db) -> None:
    """Quarantined rows of a source (file, row, column, value): for its stewards, never published."""
    from warehouse.db import WarehouseBusy
    from warehouse.pipeline import quarantine_rows

    if not db.is_file():
        err.print(f"no warehouse at {db}: run `loipr load` first", style="red", markup=False)
        raise typer.Exit(1)
    try:
        rows = quarantine_rows(db, source, rule, limit)
    except WarehouseBusy as busy:
        err.print(str(busy), style="red")
        raise typer.Exit(3)
    if rows.empty:
        out.print(f"no quarantined rows for source '{source}'" + (f" and rule '{rule}'" if rule else ""), markup=False)
        return
    err.print(f"quarantine of {source}: {len(rows)} row(s) shown; personal data, do not share", markup=False)
    for r in rows.itertuples(index=False):  # one line each, file:row first, never wrapped
        value = "" if r.value is None else str(r.value).strip().replace("\r", "\\r").replace("\n", "\\n")
        print(f"{r.file}:{int(r.row_number)}\t{r.rule}\t{r.column or '-'}\t{value}")


@app.command()
def run(reference_date: str = typer.Option(None, "--reference-date", "-r", help="Edition reference date YYYY-MM-DD"),
        request: list[str] = typer.Option(None, help="Only these requests"),
        specs: Path = SETTINGS.specs, landing: Path = SETTINGS.landing, db: Path = SETTINGS.db,
        outputs: Path = SETTINGS.outputs,
        allow_shrink: bool = typer.Option(False, help="Confirm that a source may lose most of its loaded rows")) -> None:
    """Run the whole pipeline (Prefect flow `fulfil`) and publish the edition."""
    try:  # checked before anything starts: a bad date must not cost a whole load and build
        reference = parse_reference_date(reference_date) if reference_date else default_reference()
    except BadReferenceDate as bad:
        err.print(f"--reference-date: {bad}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    from warehouse.runlock import RunLocked, run_lock

    try:  # taken before Prefect starts: a second run is refused at once, not after a server start-up
        with run_lock(outputs, f"loipr run -r {reference}"):
            _run(reference, request, specs, landing, db, outputs, allow_shrink)
    except RunLocked as busy:
        err.print(str(busy), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(3)


def _run(reference, request, specs: Path, landing: Path, db: Path, outputs: Path, allow_shrink: bool) -> None:
    from validators.spec.lint import load_catalogue

    catalogue, problems = load_catalogue(specs, landing, SETTINGS.allow_symlinks)  # before Prefect: fast answers
    unknown = sorted(set(request or []) - set(catalogue.requests))
    if unknown and not problems:
        err.print(f"--request: unknown request(s) {', '.join(unknown)}; known: {', '.join(sorted(catalogue.requests))}",
                  style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    quiet_prefect()
    from flows.fulfil import BadOption, SpecsInvalid, fulfil
    from warehouse.db import WarehouseBusy

    out.print(f"fulfil: edition {reference} (Prefect flow; a temporary local server starts if none is set)")
    state = None
    try:
        from flows import progress

        with progress.shown(err):
            state = fulfil(reference_date=reference, specs=str(specs), landing=str(landing), db=str(db),
                           outputs=str(outputs), requests=request or None, allow_shrink=allow_shrink,
                           return_state=True)
        result = state.result(raise_on_failure=False)
    except Exception as exc:  # noqa: BLE001 - the flow could not even start: the same messages apply
        result = exc
    if isinstance(result, SpecsInvalid):
        print(result)
        raise typer.Exit(1)
    if isinstance(result, BadOption):
        err.print(str(result), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if isinstance(result, WarehouseBusy):
        err.print(str(result), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(3)
    if isinstance(result, OSError):  # a full disk, a read-only outputs folder: the last edition is intact
        where = result.filename or outputs
        err.print(f"could not write {where}: {result.strerror or result}; free disk space or make {outputs} "
                  f"writable, then run again. The last published edition is unchanged.",
                  style="red", markup=False, soft_wrap=True)
        raise typer.Exit(4)
    if isinstance(result, BaseException):
        raise result
    _print_summary(Path(result["edition"]))
    if result.get("seconds"):  # where the run's time went: the office's first question on a slow night
        from flows.progress import stage_times

        out.print(stage_times(result["seconds"]), markup=False, soft_wrap=True)
    if state is not None and state.is_failed():
        err.print(f"run failed: {state.message}", style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2)


def _print_summary(edition: Path, console: Console = out) -> None:
    """One line per request, readable in an 80-column terminal (paragraph lists wrap in their column)."""
    manifest = json.loads((edition / "manifest.json").read_text())
    console.print(f"Edition {manifest['edition']} -> {edition}", markup=False, soft_wrap=True)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), collapse_padding=True)
    table.add_column("request", no_wrap=True, min_width=10)
    table.add_column("para.", min_width=5, max_width=12)
    table.add_column("status", no_wrap=True)
    for col in ("rows", "pub.", "err", "warn"):
        table.add_column(col, justify="right", no_wrap=True)
    for rid, info in manifest["requests"].items():
        table.add_row(rid, " ".join(info["paragraph"]), info["fulfilment"]["status"], str(info["rows"]),
                      "yes" if info["published"] else "NO", str(info["errors"]), str(info["warnings"]))
    console.print(table)
    console.print("counts: " + ", ".join(f"{k} {v}" for k, v in manifest["counts"].items()))


@app.command()
def catalogue(specs: Path = SETTINGS.specs, edition: Path = typer.Option(None, help="Show statuses of this edition")) -> None:
    """The table of requests: paragraph, title, breakdowns asked, status."""
    from validators.spec.lint import load_catalogue

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


@app.command()
def server(host: str = typer.Option("127.0.0.1", help="Address to listen on"),
           port: int = typer.Option(4200, help="Port of the API and the UI")) -> None:
    """Start the persistent Prefect server (API and UI at http://HOST:PORT), until stopped."""
    import os

    from flows.deployments import server_command, server_environment

    env = server_environment(host, port)
    out.print(f"Prefect server: UI http://{host}:{port}, API {env['PREFECT_UI_API_URL']}", markup=False)
    command = server_command(host, port)
    os.execve(command[0], command, env)  # the server replaces us: a service manager's signals reach it


@app.command()
def serve(deploy: bool = typer.Option(True, help="Register the deployments of prefect.yaml first")) -> None:
    """Register the scheduled deployments (prefect.yaml) and run the worker of pool `loipr`, until stopped.

    Needs a persistent `prefect server start` and PREFECT_API_URL pointing at it. Runs left
    Running by a worker that was killed are marked Crashed first. One SIGTERM (or Ctrl-C) stops
    taking runs, finishes the run in progress and exits.
    """
    worker_prefect()  # flow and task logs at INFO reach the server (not the CLI's quiet WARNING)
    import anyio

    from flows.deployments import POOL, NoServer, api_url, deploy_all, ensure_pool
    from flows.worker import clear_orphaned_runs, serve_pool

    try:
        url = api_url()
    except NoServer as missing:
        err.print(str(missing), style="red")
        raise typer.Exit(2)
    ensure_pool(POOL)
    if deploy:
        done = deploy_all()
        if done.returncode:
            err.print(done.stdout[-2000:] + done.stderr[-2000:], markup=False)
            raise typer.Exit(1)
        out.print("deployments registered from prefect.yaml (schedules in America/Lima)")
    def say(line: str) -> None:  # one unwrapped line each: the service's journal is read by line
        print(line, flush=True)

    for run_id in clear_orphaned_runs(POOL):
        say(f"flow run {run_id} marked Crashed: its process is gone (killed worker); its slot is free")
    say(f"worker for pool '{POOL}' (one run at a time) against {url}; SIGTERM or Ctrl-C to stop")
    anyio.run(serve_pool, POOL, say)


register_editions(app)  # `loipr editions`, `diff`, `report` (flows/cli_editions.py)
register_sdmx(app)  # `loipr sdmx EDITION` (flows/cli_sdmx.py)


if __name__ == "__main__":  # pragma: no cover
    app()
