"""The worker of `loipr serve`: clears runs left by a dead worker, then runs the pool's flow runs.

Prefect's own `prefect worker start` turns SIGTERM into SIGINT and keeps polling (it does not stop
on one SIGTERM, so a service manager always ends it with SIGKILL). Here one SIGTERM (or Ctrl-C)
stops taking new runs at once; a run in progress is finished, then the worker exits. A second
signal exits without waiting: the service manager's timeout kills the flow process, and the next
start marks that run Crashed (`clear_orphaned_runs`), freeing the pool's only slot.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from functools import partial
from pathlib import Path
from uuid import UUID

from warehouse.runlock import pid_alive

LIVE_STATES = ("PENDING", "RUNNING", "CANCELLING")


def process_alive(pid_text: str | None) -> bool:
    """Is the flow process a worker started still there (on this machine)? No pid: never started."""
    if not pid_text or not pid_text.rsplit(":", 1)[-1].isdigit():
        return False
    pid = int(pid_text.rsplit(":", 1)[-1])
    if not pid_alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    return not cmdline.exists() or b"prefect" in cmdline.read_bytes()  # a reused pid is not our run


def clear_orphaned_runs(pool: str, alive: Callable[[str | None], bool] = process_alive) -> list[UUID]:
    """Mark Crashed the pool's runs left Pending/Running/Cancelling by a worker that is gone.

    Called when the (only) worker of the pool starts: a run whose flow process no longer exists
    cannot finish, and would hold the pool's concurrency slot for ever."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
        WorkPoolFilter,
        WorkPoolFilterName,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    cleared = []
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=[StateType(s) for s in LIVE_STATES]))))
        for run in runs:
            if alive(run.infrastructure_pid):
                continue
            message = (f"the flow process ({run.infrastructure_pid or 'not started'}) is gone: its worker was "
                       f"stopped or killed; marked crashed when the worker of pool '{pool}' restarted")
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            cleared.append(run.id)
    return cleared


def child_processes() -> list[int]:
    """The processes this one started (the flow runs), from /proc."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.append(int(stat.parent.name))
    return found


async def serve_pool(pool: str, printer: Callable[[str], None] = print) -> None:
    """Poll the pool and run its flow runs (one at a time) until SIGTERM or SIGINT."""
    import anyio
    from prefect.settings import PREFECT_WORKER_HEARTBEAT_SECONDS, PREFECT_WORKER_QUERY_SECONDS
    from prefect.utilities.services import critical_service_loop
    from prefect.workers.process import ProcessWorker

    loop = partial(critical_service_loop, jitter_range=0.3, backoff=4, printer=printer)
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async with ProcessWorker(work_pool_name=pool, limit=1, create_pool_if_not_found=False,
                                 heartbeat_interval_seconds=int(PREFECT_WORKER_HEARTBEAT_SECONDS.value())) as worker:
            async with anyio.create_task_group() as loops:
                loops.start_soon(partial(loop, workload=worker.get_and_submit_flow_runs,
                                         interval=PREFECT_WORKER_QUERY_SECONDS.value()))
                loops.start_soon(partial(loop, workload=worker.sync_with_backend,
                                         interval=worker.heartbeat_interval_seconds))
                printer(f"worker {worker.name!r} started on pool '{pool}'")
                async for signum in signals:
                    printer(f"{signal.Signals(signum).name}: taking no new runs")
                    break
                loops.cancel_scope.cancel()
            if worker.limiter.borrowed_tokens:
                printer("finishing the run in progress; a second signal stops it (the run ends Crashed)")
                async with anyio.create_task_group() as wait:
                    async def second_signal() -> None:
                        async for signum in signals:
                            printer(f"{signal.Signals(signum).name} again: stopping the run in progress")
                            for pid in child_processes():
                                os.kill(pid, signal.SIGTERM)
                            return

                    wait.start_soon(second_signal)
                    while worker.limiter.borrowed_tokens:
                        await anyio.sleep(0.5)
                    wait.cancel_scope.cancel()
    printer("worker stopped")
