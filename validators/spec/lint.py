"""Lint the specs: every spec typed, with every problem (YAML, schema, cross-references) in one pass."""

from __future__ import annotations

from pathlib import Path

from .catalogue import Catalogue, read_specs
from .rules import cross_reference_problems
from .yamlpos import Problem


def load_catalogue(root: Path) -> tuple[Catalogue, list[Problem]]:
    """Every spec under `root` (the specs/ folder), and every problem sorted by file and line."""
    catalogue, problems = read_specs(root)
    problems.extend(cross_reference_problems(catalogue))
    return catalogue, sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))
