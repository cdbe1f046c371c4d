"""Scheduled operation: register the deployments of prefect.yaml and run the process worker.

The deployments themselves (flows, cron schedules in America/Lima, parameters) are declared in
prefect.yaml at the repository root, so the office reads and changes them in one place. This module
only does what `prefect.yaml` cannot: check that a persistent server is set, create the work pool
with a concurrency limit of 1 (one writer of the DuckDB file at a time), deploy, start the worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = "loipr"
TIMEZONE = "America/Lima"


class NoServer(RuntimeError):
    """Schedules need a persistent `prefect server start`; the temporary one cannot schedule."""


def api_url() -> str:
    url = os.environ.get("PREFECT_API_URL", "")
    if not url:
        from prefect.settings import PREFECT_API_URL
        url = PREFECT_API_URL.value() or ""
    if not url:
        raise NoServer("PREFECT_API_URL is not set: start `prefect server start` (as a service) and set "
                       "PREFECT_API_URL=http://127.0.0.1:4200/api; a temporary server cannot run schedules.")
    return url


def prefect_command() -> list[str]:
    """The prefect CLI of this interpreter's environment (the venv's, not whatever is on PATH)."""
    return [sys.executable, "-m", "prefect"]


def ensure_pool(pool: str = POOL, limit: int = 1) -> None:
    """Create (or fix) the process work pool; its concurrency limit serialises the warehouse writers."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate, WorkPoolUpdate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
            client.update_work_pool(pool, WorkPoolUpdate(concurrency_limit=limit))
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process", concurrency_limit=limit))


def deploy_all(repo: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`prefect deploy --all` from the repository: runs start in `repo`, so relative paths hold."""
    return subprocess.run([*prefect_command(), "--no-prompt", "deploy", "--all"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
