"""One temporary Prefect server for every flow test of the session: each start of
`prefect_test_harness` costs 20-70 s on two busy cores, and the flows only need a server."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL
from prefect.testing.utilities import prefect_test_harness

from tests.flows.fanout import serial_builds_and_snapshot


@pytest.fixture(scope="session")
def prefect_server() -> str:
    """The server's API URL, for `loipr` processes the tests start (they then start none of their own)."""
    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture
def fanned_out(project: Path, tmp_path: Path):
    """(catalogue, the single-process tables, the Parquet snapshot folder) of tests/flows/fanout.py."""
    return serial_builds_and_snapshot(project, tmp_path)
