"""Scheduled operation: register the deployments of prefect.yaml and run the process worker.

The deployments themselves (flows, cron schedules in America/Lima, parameters) are declared in
prefect.yaml at the repository root, so the office reads and changes them in one place. This module
only does what `prefect.yaml` cannot: start the persistent server with a UI that works on any port,
check that it is set, create the work pool with a concurrency limit of 1 (one writer of the DuckDB
file at a time), deploy. The worker itself is in flows/worker.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = "loipr"
TIMEZONE = "America/Lima"
SCHEDULE_AHEAD_DAYS = 400


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


def server_environment(host: str, port: int, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of `prefect server start` on HOST:PORT whose UI talks to that same API.

    Prefect's UI takes its API address from PREFECT_UI_API_URL, else from PREFECT_API_URL, else
    from PREFECT_SERVER_API_HOST/PORT (4200 by default), not from `--port`: on another port the UI
    says "Unable to connect to Prefect server" unless these are set. An office behind a reverse
    proxy sets PREFECT_UI_API_URL to the address its browsers use; it is kept."""
    from flows.settings import OFFLINE_PREFECT

    out = {**(os.environ if env is None else env)}
    for key, value in OFFLINE_PREFECT.items():
        out.setdefault(key, value)
    out.update(PREFECT_SERVER_API_HOST=host, PREFECT_SERVER_API_PORT=str(port))
    out.setdefault("PREFECT_UI_API_URL", f"http://{host}:{port}/api")
    # Prefect creates scheduled runs up to 100 days ahead by default: the yearly loads and edition
    # would show no next run for most of the year. 400 days shows each deployment's next run.
    out.setdefault("PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME", f"P{SCHEDULE_AHEAD_DAYS}D")
    return out


def server_command(host: str, port: int) -> list[str]:
    return [*prefect_command(), "server", "start", "--host", host, "--port", str(port)]
