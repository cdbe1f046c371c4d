"""Fixtures of the lint rule tests (test_rules*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from validators.spec.catalogue import Catalogue, read_specs

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    """The real catalogue, which lints clean: the baseline every rule test changes one thing in."""
    catalogue, problems = read_specs(ROOT / "specs")
    assert problems == []
    return catalogue
