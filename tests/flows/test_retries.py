"""Retries where they help: a transient I/O error is retried; a busy warehouse or bad data never is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prefect.states import Failed

from flows.fulfil import load_source, transient_io_error
from flows.load import load
from warehouse.db import WarehouseBusy

ROOT = Path(__file__).resolve().parents[2]


pytestmark = pytest.mark.usefixtures("prefect_server")  # one server per session (conftest.py)


def load_attempts(flow_run_id) -> list[int]:
    """How many times each load task of a flow run ran (read back from the Prefect server)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return [r.run_count for r in runs if r.name.startswith("load-")]


@pytest.mark.parametrize("error, retried", [
    (FileNotFoundError("share unmounted"), True), (TimeoutError("read timed out"), True),
    (WarehouseBusy("in use"), False), (ValueError("a validation failure"), False)])
def test_only_io_errors_are_retried(error, retried):
    state = Failed(data=error)
    assert transient_io_error(load_source, None, state) is retried


def test_a_flow_meeting_a_busy_warehouse_fails_at_once_with_the_holder(project: Path):
    db = project / "w.duckdb"
    hold = "import sys,time; from pathlib import Path; from warehouse.db import connect; " \
           "c = connect(Path(sys.argv[1])); print('holding', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        state = load(sources=["unodc-glotip"], specs=str(project / "specs"), landing=str(project / "landing"),
                     db=str(db), return_state=True)
        with pytest.raises(WarehouseBusy, match=f"in use by process {holder.pid}; DuckDB allows one writer"):
            state.result()
        assert load_attempts(state.state_details.flow_run_id) == [1]  # no retry with backoff
    finally:
        holder.kill()
        holder.wait()
    assert load(sources=["unodc-glotip"], specs=str(project / "specs"), landing=str(project / "landing"),
                db=str(db)) == {"unodc-glotip": {"files": 1, "errors": 0}}
