"""`loipr sdmx EDITION`: rebuild the SDMX files of a published edition (kept out of cli.py, which
only registers it). The work is validators.publish.sdmx_edition.rebuild_sdmx; this is the wiring."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from flows.settings import Settings

SETTINGS = Settings.from_env()
out = Console()
err = Console(stderr=True)


def sdmx(edition: Path = typer.Argument(..., help="The edition folder, e.g. outputs/2025-12-31"),
         specs: Path = typer.Option(SETTINGS.specs, help="The specs folder (codelists, requests)"),
         agency: str = typer.Option(SETTINGS.sdmx_agency, help="SDMX agency id of the structures "
                                    "(default: LOIPR_SDMX_AGENCY)")) -> None:
    """Rebuild sdmx/ of a published edition: structure.xml and one SDMX-CSV file per published table."""
    from validators.publish.sdmx import BadAgency
    from validators.publish.sdmx_edition import changed_specs, rebuild_sdmx
    from validators.spec.lint import load_catalogue

    if not (edition / "manifest.json").is_file():
        err.print(f"no published edition at {edition}: give its folder, e.g. outputs/2025-12-31",
                  style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    catalogue, problems = load_catalogue(specs)
    if problems:
        err.print(f"{len(problems)} problem(s) in the specs: run `loipr lint`", style="red", markup=False)
        raise typer.Exit(1)
    try:
        entry = rebuild_sdmx(edition, catalogue, agency)
    except BadAgency as bad:
        err.print(str(bad), style="red", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    tables = len(entry["files"]) - 1
    out.print(f"wrote {edition / 'sdmx'}: structure.xml ({entry['dataflows']} dataflows, {entry['codelists']} "
              f"codelists, agency {entry['agency']}) and {tables} SDMX-CSV table(s)", markup=False, soft_wrap=True)
    changed = changed_specs(json.loads((edition / "manifest.json").read_text()), catalogue)
    if changed:
        err.print(f"note: {len(changed)} spec file(s) differ from the edition's ({', '.join(changed[:5])}"
                  f"{', ...' if len(changed) > 5 else ''}): the structures follow the specs as they are now",
                  markup=False, soft_wrap=True)
    for request_id in entry["not_written"]:
        err.print(f"{request_id}: no request of that id in {specs}; its table has no SDMX file",
                  markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command(name="sdmx")(sdmx)
