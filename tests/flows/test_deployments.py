"""Scheduled operation against a real `prefect server start`: deploy prefect.yaml, run, schedule;
logs reach the server, failures end Failed with their artifact, one SIGTERM stops the worker, a
killed run is cleared at the next worker start.

One server for the module (10-30 s to start on a shared machine) and one `loipr serve` worker at a
time; both are stopped by process group at the end.
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

import pandas as pd
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.deployments import POOL, ROOT, deploy_all, ensure_pool
from tests.recompute import iom_direction_totals, table_direction_totals


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
    """SIGTERM the process group, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


class Served:
    """The module's server, and the one `loipr serve` worker running against it."""

    def __init__(self, url: str, env: dict[str, str], logs: Path):
        self.url, self.env, self.logs, self.worker, self.starts = url, env, logs, None, 0

    def start_worker(self, timeout: float = 120) -> subprocess.Popen:
        self.starts += 1
        log = self.logs / f"worker-{self.starts}.log"
        self.worker = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--no-deploy"], env=self.env,
                                       cwd=ROOT, start_new_session=True, stdout=log.open("w"),
                                       stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while "started on pool" not in log.read_text():
            assert self.worker.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        return self.worker

    def output(self) -> str:
        return (self.logs / f"worker-{self.starts}.log").read_text()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    # The test session's own quiet PREFECT_LOGGING_LEVEL=WARNING is inherited on purpose: the
    # worker must still send the runs' INFO lines to the server.
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": url,
           "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "PREFECT_WORKER_QUERY_SECONDS": "2"}
    # `loipr server` as `make server PORT=...` starts it: no PREFECT_API_URL of its own, any port.
    server_env = {k: v for k, v in env.items() if k not in ("PREFECT_API_URL", "PREFECT_UI_API_URL")}
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "server", "--port", str(port)], env=server_env,
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = Served(url, env, tmp_path_factory.mktemp("worker-logs"))
    try:
        print(f"prefect server ready in {wait_healthy(url, proc):.1f} s")
        with temporary_settings(updates={PREFECT_API_URL: url}):
            ensure_pool(POOL)
            deployed = deploy_all(env=env)
            assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
            served.start_worker()
            yield served
    finally:
        if served.worker:
            stop_group(served.worker)
        stop_group(proc)
    assert proc.poll() is not None


def edition_parameters(project: Path, *requests: str) -> dict:
    return {"reference_date": "2025-12-31", "specs": str(project / "specs"), "landing": str(project / "landing"),
            "db": str(project / "w.duckdb"), "outputs": str(project / "out"), "requests": list(requests)}


def run_logs(flow_run_id, last: str = "published ", wait: float = 60.0) -> list[str]:
    """The run's log lines on the server. Logs are shipped in batches after the run ends, so wait
    (at most ``wait`` seconds) for the flow's last line before reading them all."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deadline = time.monotonic() + wait
    while True:
        with get_client(sync_client=True) as client:
            logs = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))]
        if any(m.startswith(last) for m in logs) or time.monotonic() > deadline:
            return logs
        time.sleep(1)


def test_a_deployment_run_publishes_the_edition_and_its_logs_reach_the_server(server, project: Path):
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment

    start = time.monotonic()
    run = run_deployment("fulfil/edition", timeout=300,
                         parameters=edition_parameters(project, "40a-movements-iom", "40h-trafficking-victims"))
    print(f"deployment run completed in {time.monotonic() - start:.1f} s")
    assert run.state_type == StateType.COMPLETED, run.state
    manifest = json.loads((project / "out" / "2025-12-31" / "manifest.json").read_text())
    assert manifest["edition"] == "2025-12-31"
    # the published figures are the raw file's, recomputed here without the warehouse
    published = pd.read_csv(project / "out" / "2025-12-31" / "tables" / "40a-movements-iom.csv", dtype=str)
    totals = table_direction_totals(published.assign(obs_value=published["obs_value"].astype(float)))
    assert len(totals) == 80 and totals == iom_direction_totals(project / "landing")
    assert len(pd.read_parquet(project / "out" / "2025-12-31" / "tables" / "40h-trafficking-victims.parquet"))
    # INFO lines of the flow and its tasks, readable through the API (and so in the UI)
    logs = run_logs(run.id)
    assert any(m.startswith("loaded iom-movements iom/iom_peru_regular_entries_exits_by_nationality_monthly_"
                            "2022_2025.csv: 12109 read, ") for m in logs), logs
    status = manifest["requests"]["40h-trafficking-victims"]["fulfilment"]["status"]
    assert any(m.startswith(f"40h-trafficking-victims: {status} (") for m in logs), logs
    assert any(m.startswith("published ") for m in logs), logs


def test_a_run_with_a_failed_source_ends_failed_with_its_table_of_statuses(server, project: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment

    extract = next((project / "landing" / "iom").glob("*.csv"))
    text = extract.read_text().split("\n", 1)
    extract.write_text(text[0].replace(",n", ",count") + "\n" + text[1])  # a renamed column
    run = run_deployment("fulfil/edition", timeout=300,
                         parameters=edition_parameters(project, "40a-movements-iom", "40h-trafficking-victims"))
    assert run.state_type == StateType.FAILED, run.state
    assert run.state.message.endswith("1 source(s) could not be read: iom-movements "
                                      "(see the statuses artifact and findings.csv)"), run.state.message
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    table = {a.key: a.data for a in artifacts}["edition-statuses"]
    assert "| request | paragraph | status | reason |" in table
    iom = next(line for line in table.splitlines() if line.startswith("| 40a-movements-iom |"))
    assert "iom/iom_peru_regular_entries_exits_by_nationality_monthly_2022_2025.csv: " in iom
    assert any("40h-trafficking-victims" in line for line in table.splitlines())
    assert any(m.startswith("loaded iom-movements ") and " ERROR " in m for m in run_logs(run.id, last="loaded iom-movements "))


def test_one_sigterm_stops_an_idle_worker_within_10_s(server):
    worker = server.worker
    start = time.monotonic()
    os.kill(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)
    took = time.monotonic() - start
    print(f"idle worker stopped {took:.1f} s after one SIGTERM (rc {worker.returncode})")
    assert took < 10 and worker.returncode == 0, server.output()[-3000:]
    assert "SIGTERM: taking no new runs" in server.output() and "worker stopped" in server.output()
    server.start_worker()


def test_a_killed_run_is_cleared_and_the_next_run_starts_without_a_manual_cancel(server, project: Path, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment

    mark = tmp_path / "paused"
    hooks = Path(__file__).with_name("hooks")
    paused = run_deployment("fulfil/edition", timeout=0, parameters=edition_parameters(project, "40a-movements-iom"),
                            job_variables={"env": {"LOIPR_TEST_PAUSE": "load", "LOIPR_PAUSE_MARK": str(mark),
                                                   "PYTHONPATH": f"{hooks}{os.pathsep}{ROOT}"}})
    deadline = time.monotonic() + 180
    while not mark.exists():
        assert time.monotonic() < deadline, server.output()[-3000:]
        time.sleep(0.3)
    # What systemd ends with: SIGKILL to the worker and to its flow process.
    os.killpg(server.worker.pid, signal.SIGKILL)
    server.worker.wait(timeout=10)
    try:
        os.kill(int(mark.read_text()), signal.SIGKILL)
    except ProcessLookupError:
        pass  # it was in the worker's process group
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(paused.id).state_type == StateType.RUNNING  # stuck, holding the slot

    server.start_worker()  # what systemd's Restart= does
    with get_client(sync_client=True) as client:
        crashed = client.read_flow_run(paused.id)
    assert crashed.state_type == StateType.CRASHED, crashed.state
    assert f"flow run {paused.id} marked Crashed: its process is gone" in server.output()
    start = time.monotonic()
    run = run_deployment("fulfil/edition", timeout=300, parameters=edition_parameters(project, "40a-movements-iom"))
    print(f"the next run completed {time.monotonic() - start:.1f} s after the restart")
    assert run.state_type == StateType.COMPLETED, run.state


def test_the_ui_talks_to_the_api_on_the_port_chosen(server):
    with urllib.request.urlopen(server.url.removesuffix("/api") + "/ui-settings", timeout=10) as response:
        assert json.loads(response.read())["api_url"] == server.url


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
    # The yearly edition shows its next run (15 March, 07:00 Lima), whatever the day of the year.
    with get_client(sync_client=True) as client:
        edition = client.read_deployment_by_name("fulfil/edition")
        deadline = time.monotonic() + 60
        while True:
            runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[edition.id])))
            yearly = [r for r in runs if r.state_type.value == "SCHEDULED"]
            if yearly or time.monotonic() > deadline:
                break
            time.sleep(1)
    assert [(r.expected_start_time.month, r.expected_start_time.day, r.expected_start_time.hour) for r in yearly] \
        == [(3, 15, 12)], yearly
