"""`loipr editions`, `loipr diff A B`, `loipr report [EDITION]`: reading published editions, without
loading anything (kept out of cli.py, which only registers them). The work is in
validators.publish.history and validators.review; this is the wiring."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from flows.settings import Settings

SETTINGS = Settings.from_env()
out = Console()
err = Console(stderr=True)


def editions(outputs: Path = typer.Option(SETTINGS.outputs, help="The outputs folder")) -> None:
    """The published editions: reference date, run time, status counts, spec and input hashes."""
    from validators.publish.history import edition_summaries

    rows = edition_summaries(outputs)
    table = Table(title=f"Editions in {outputs}", box=None)
    for col in ("edition", "run", "created (UTC)", "deliv", "part", "unav", "fail", "specs", "inputs"):
        table.add_column(col, no_wrap=True)
    for e in rows:
        c = e["counts"]
        table.add_row(e["edition"], e["run_id"], e["created_at"][:16].replace("T", " "),
                      *(str(c.get(k, 0)) for k in ("delivered", "partial", "unavailable", "failed")),
                      e["specs_hash"][:8], e["inputs_hash"][:8])
    out.print(table if rows else f"no edition published in {outputs}")


def diff(a: str = typer.Argument(..., help="Edition (reference date) or folder"),
         b: str = typer.Argument(..., help="Edition (reference date) or folder"),
         outputs: Path = typer.Option(SETTINGS.outputs, help="The outputs folder")) -> None:
    """What changed between editions A and B: statuses, specs, inputs, cells."""
    from validators.publish.history import diff_editions

    folders = [Path(x) if Path(x).is_dir() else outputs / x for x in (a, b)]
    for folder in folders:
        if not (folder / "manifest.json").is_file():
            err.print(f"no published edition at {folder}", style="red")
            raise typer.Exit(1)
    d = diff_editions(*folders)
    out.print(f"{d['a']} -> {d['b']}", markup=False)
    for rid, (was, now) in d["statuses"].items():
        out.print(f"status  {rid}: {was} -> {now}", markup=False)
    for path, (was, now) in d["specs"].items():
        out.print(f"spec    {path}: {(was or 'absent')[:12]} -> {(now or 'absent')[:12]}", markup=False)
    for path, (was, now) in d["inputs"].items():
        out.print(f"input   {path}: {(was or 'absent')[:12]} -> {(now or 'absent')[:12]}", markup=False)
    for rid, c in d["cells"].items():
        out.print(f"cells   {rid}: {c['added']} added, {c['removed']} removed, {len(c['changed'])} changed",
                  markup=False)
        for change in c["changed"][:20]:
            key = " ".join(f"{k}={v}" for k, v in change["key"].items())
            what = "; ".join(f"{col} {pair[0]!r} -> {pair[1]!r}" for col, pair in change.items() if col != "key")
            out.print(f"          {key}: {what}", markup=False, soft_wrap=True)
    if not any(d[k] for k in ("statuses", "specs", "inputs", "cells")):
        out.print("no differences")


def report(edition: str = typer.Argument(None, help="Edition (reference date) or folder; default: the latest"),
           outputs: Path = typer.Option(SETTINGS.outputs, help="The outputs folder"),
           specs: Path = typer.Option(SETTINGS.specs, help="The specs folder (the committee's words, labels)"),
           gx: bool = typer.Option(False, help="Also re-run the Great Expectations suites on the published tables"),
           lang: str = typer.Option("es", help="Language of the annex: es or en")) -> None:
    """Rebuild report.html and annex.xlsx from a published edition, without loading anything."""
    from validators.review import write_annex, write_reviewer_files
    from validators.spec.lint import load_catalogue

    folder = Path(edition) if edition and Path(edition).is_dir() else None
    if folder is None:
        found = sorted(p for p in outputs.glob("????-??-??") if (p / "manifest.json").exists())
        folder = outputs / edition if edition else (found[-1] if found else None)
    if folder is None or not (folder / "manifest.json").exists():
        err.print(f"no published edition {edition or ''} in {outputs}: run `loipr run` first", style="red")
        raise typer.Exit(1)
    catalogue, _ = load_catalogue(specs)
    write_reviewer_files(folder, catalogue, rerun=gx)
    if lang != "es":
        write_annex(folder, catalogue, lang=lang)
    for name in ("report.html", "annex.xlsx"):
        out.print(f"wrote {folder / name} ({(folder / name).stat().st_size:,} bytes)")


def register(app: typer.Typer) -> None:
    for command in (editions, diff, report):
        app.command()(command)
