"""One run at a time: the lock beside outputs/ refuses a second holder at once, survives its
holder's death as a stale file that is taken over, and stops the processes a killed holder left."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.runlock import RunLocked, lock_path, run_lock

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import subprocess, sys, time
from pathlib import Path
from warehouse.runlock import record_children, run_lock
with run_lock(Path(sys.argv[1]), "holder"):
    child = subprocess.Popen(["sleep", "300"])  # stands in for Prefect's temporary server
    time.sleep(0.3)  # until it has exec'd: its command line is what is recorded
    record_children(Path(sys.argv[1]))
    print(child.pid, flush=True)
    time.sleep(300)
"""


def holder(outputs: Path) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(outputs)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    return proc, int(proc.stdout.readline())


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_lock_file_sits_beside_outputs(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "outputs") == tmp_path / "outputs.lock"


def test_second_holder_is_refused_with_pid_host_and_start(tmp_path: Path) -> None:
    proc, child = holder(tmp_path / "outputs")
    try:
        started = time.monotonic()
        with pytest.raises(RunLocked) as refused:
            with run_lock(tmp_path / "outputs", "second"):
                pass
        assert time.monotonic() - started < 30  # at once: a waiting lock would wait out the holder's 300 s
        message = str(refused.value)
        assert f"holder (process {proc.pid} on {socket.gethostname()}, started 20" in message
        assert message.startswith(f"another run holds {tmp_path / 'outputs.lock'}: ")
        assert "Nothing was loaded or published by this one" in message
    finally:
        proc.kill(); proc.wait(); os.kill(child, signal.SIGKILL)


def test_killed_holder_leaves_a_stale_lock_that_is_taken_over_and_its_server_reaped(tmp_path: Path) -> None:
    proc, child = holder(tmp_path / "outputs")
    proc.send_signal(signal.SIGKILL); proc.wait()
    assert alive(child)  # the orphan outlives its parent, as Prefect's server did
    recorded = json.loads(lock_path(tmp_path / "outputs").read_text())
    assert recorded["pid"] == proc.pid and recorded["children"][0]["pid"] == child
    with run_lock(tmp_path / "outputs", "next run"):
        assert json.loads(lock_path(tmp_path / "outputs").read_text())["pid"] == os.getpid()
        for _ in range(50):
            if not alive(child):
                break
            time.sleep(0.1)
        assert not alive(child)
    assert lock_path(tmp_path / "outputs").read_text() == "{}"  # a clean exit leaves nothing to reap


def test_reentrant_in_one_process(tmp_path: Path) -> None:
    with run_lock(tmp_path / "o", "cli"):
        with run_lock(tmp_path / "o", "flow"):
            assert json.loads(lock_path(tmp_path / "o").read_text())["command"] == "cli"
    with run_lock(tmp_path / "o", "again"):
        pass


def test_a_reused_pid_is_never_killed(tmp_path: Path) -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    lock_path(tmp_path / "o").write_text(json.dumps({"pid": 999999999, "host": socket.gethostname(),
                                                     "children": [{"pid": sleeper.pid, "cmdline": "prefect server"}]}))
    with run_lock(tmp_path / "o", "next"):
        assert alive(sleeper.pid)
    sleeper.kill(); sleeper.wait()
