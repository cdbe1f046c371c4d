"""The repository's own specs, read once per test session: reading and checking them takes seconds,
and dozens of tests only need them as they are (a test that changes a spec copies the folder)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from validators.spec.catalogue import Catalogue
from validators.spec.lint import load_catalogue

ROOT = Path(__file__).resolve().parent.parent


@cache
def real_catalogue() -> Catalogue:
    cat, problems = load_catalogue(ROOT / "specs")
    assert problems == [], problems
    return cat
