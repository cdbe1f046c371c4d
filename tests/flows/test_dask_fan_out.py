"""Scale-out path, run for real: prefect-dask's DaskTaskRunner on a distributed.LocalCluster of two
worker processes builds requests over the Parquet snapshot; the tables equal the single-process
builds byte for byte."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect_dask import DaskTaskRunner

from tests.flows.fanout import FAN_OUT_REFERENCE
from tests.flows.fanout import FAN_OUT_REQUESTS as REQUESTS
from warehouse.snapshot import build_from_snapshot

CLUSTER = {"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}


def table_bytes(table: pd.DataFrame) -> bytes:
    """The table as Parquet bytes: same columns, types, order and values give the same bytes."""
    out = io.BytesIO()
    table.to_parquet(out, index=False)
    return out.getvalue()


@task(cache_policy=NO_CACHE)
def build(folder: Path, cat, request_id: str) -> tuple[str, bytes]:
    return str(os.getpid()), table_bytes(build_from_snapshot(folder, cat, request_id, FAN_OUT_REFERENCE)[1])


@flow(task_runner=DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=CLUSTER))
def fan_out_on_dask(folder: Path, cat) -> dict[str, tuple[str, bytes]]:
    futures = {r: build.submit(folder, cat, r) for r in REQUESTS}
    return {r: f.result() for r, f in futures.items()}


def test_builds_on_a_dask_cluster_equal_the_single_process_builds_byte_for_byte(fanned_out, prefect_server):
    cat, serial_tables, snapshot = fanned_out
    serial = {r: table_bytes(t) for r, t in serial_tables.items()}
    on_dask = fan_out_on_dask(snapshot, cat)
    assert {r: on_dask[r][1] for r in REQUESTS} == serial
    assert all(len(serial[r]) > 1000 for r in REQUESTS)  # real tables, not empty files
    pids = {pid for pid, _ in on_dask.values()}
    assert str(os.getpid()) not in pids  # built in the cluster's worker processes
