"""Scale-out path: builds fan out over a read-only Parquet snapshot with Prefect's task runner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from tests.flows.fanout import FAN_OUT_REFERENCE
from tests.flows.fanout import FAN_OUT_REQUESTS as REQUESTS
from tests.recompute import iom_direction_totals, table_direction_totals
from warehouse.snapshot import build_from_snapshot


@task(cache_policy=NO_CACHE)
def build(folder: Path, cat, request_id: str):
    return build_from_snapshot(folder, cat, request_id, FAN_OUT_REFERENCE)[1]


@flow(task_runner=ThreadPoolTaskRunner(max_workers=3))
def fan_out(folder: Path, cat) -> dict[str, pd.DataFrame]:
    # The same flow runs on a cluster with prefect-dask's DaskTaskRunner in place of the thread pool.
    futures = {r: build.submit(folder, cat, r) for r in REQUESTS}
    return {r: f.result() for r, f in futures.items()}


def test_parallel_builds_over_a_snapshot_equal_the_serial_builds(project, fanned_out, prefect_server):
    cat, serial, snapshot = fanned_out
    parallel = fan_out(snapshot, cat)
    for r in REQUESTS:
        pd.testing.assert_frame_equal(parallel[r], serial[r])
    # and both equal what a reviewer recomputes from the raw file, without our code
    totals = table_direction_totals(parallel["40a-movements-iom"])
    assert len(totals) == 80 and totals == iom_direction_totals(project / "landing")
