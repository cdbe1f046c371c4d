"""Scheduled operation against a real `prefect server start`: deploy prefect.yaml, run, schedule.

One server and one worker for the module (each costs 10-30 s to start on a shared machine);
both are stopped by process group at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.deployments import POOL, ROOT, deploy_all, ensure_pool


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        assert proc.poll() is None, "prefect server exited during start"
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return time.monotonic() - start
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"prefect server not ready after {timeout} s")


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM the process group (twice: the worker needs a second one), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": url,
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "PREFECT_WORKER_QUERY_SECONDS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        print(f"prefect server ready in {wait_healthy(url, proc):.1f} s")
        with temporary_settings(updates={PREFECT_API_URL: url}):
            ensure_pool(POOL)
            deployed = deploy_all(env=env)
            assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
            worker = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--no-deploy"], env=env,
                                      cwd=ROOT, start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            yield url
    finally:
        if worker:
            stop_group(worker)
        stop_group(proc)
    assert proc.poll() is not None


def test_a_deployment_run_publishes_the_edition(server, project: Path):
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment

    start = time.monotonic()
    run = run_deployment("fulfil/edition", timeout=300, parameters={
        "reference_date": "2025-12-31", "specs": str(project / "specs"), "landing": str(project / "landing"),
        "db": str(project / "w.duckdb"), "outputs": str(project / "out"),
        "requests": ["40a-movements-iom", "40h-trafficking-victims"]})
    print(f"deployment run completed in {time.monotonic() - start:.1f} s")
    assert run.state_type == StateType.COMPLETED, run.state
    manifest = json.loads((project / "out" / "2025-12-31" / "manifest.json").read_text())
    assert manifest["edition"] == "2025-12-31"
    assert all((project / "out" / "2025-12-31" / f).is_file() for f in manifest["files"])


def test_cron_deployments_have_future_runs_in_lima_time(server):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("load/load-monthly")
        assert deployment.work_pool_name == POOL
        assert "migraciones-movements" in deployment.parameters["sources"]
        assert deployment.schedules[0].schedule.timezone == "America/Lima"
        assert client.read_work_pool(POOL).concurrency_limit == 1
        deadline = time.monotonic() + 60
        while True:
            runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
            future = [r for r in runs if r.state_type.value == "SCHEDULED"]
            if future or time.monotonic() > deadline:
                break
            time.sleep(1)
    assert future, "the scheduler created no future run for the monthly loads"
    # 06:00 in Lima is 11:00 UTC (no daylight saving time in Peru), on the 5th of the month.
    assert all(r.expected_start_time.hour == 11 and r.expected_start_time.day == 5 for r in future)
