"""Shared fixtures: a temporary Prefect home per session, quiet offline settings, real spec files."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from flows.settings import quiet_prefect

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Before anything imports prefect: its settings are read once per process.
_home = tempfile.mkdtemp(prefix="loipr-prefect-")
os.environ["PREFECT_HOME"] = _home
quiet_prefect()
os.environ.setdefault("LOIPR_PSEUDONYM_KEY", "test-key-not-secret")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_home, ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real specs and landing folder, to change without touching the repo."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "warehouse" / "landing", tmp_path / "landing",
                    ignore=shutil.ignore_patterns("migraciones"))
    return tmp_path
