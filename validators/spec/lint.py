"""Lint the specs: every spec typed, with every problem (YAML, schema, cross-references) in one pass."""

from __future__ import annotations

from pathlib import Path

from .catalogue import Catalogue, read_specs
from .paths import path_problems
from .rules import cross_reference_problems
from .yamlpos import Problem


def load_catalogue(root: Path, landing: Path | None = None,
                   allow_symlinks: bool = False) -> tuple[Catalogue, list[Problem]]:
    """Every spec under `root` (the specs/ folder), and every problem sorted by file and line.

    With `landing`, every source path must also stay inside that folder (validators/spec/paths.py)."""
    catalogue, problems = read_specs(root)
    problems.extend(cross_reference_problems(catalogue))
    if landing is not None:
        where = {sid: catalogue.located[("sources", sid)].where(("path",)) for sid in catalogue.sources}
        files = {sid: catalogue.files[("sources", sid)] for sid in catalogue.sources}
        problems.extend(path_problems(catalogue.sources, files, where, landing, allow_symlinks))
    return catalogue, sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))
