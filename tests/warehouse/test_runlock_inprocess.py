"""The run lock's parts that need no second process: what a refusal says when the lock file says
little, which processes count as alive, what a dead holder's lock records, and the orphans of a dead
holder stopped (this test's own child standing in for Prefect's temporary server)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path

from warehouse.runlock import (
    _HELD,
    held_message,
    lock_path,
    pid_alive,
    reap_orphans,
    record_children,
    run_lock,
)


def started(command: list[str]) -> subprocess.Popen:
    """A child once it runs `command` (before its exec, /proc shows this interpreter's command line)."""
    proc = subprocess.Popen(command)
    for _ in range(200):
        if Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")[0] == command[0].encode():
            return proc
        time.sleep(0.05)
    raise AssertionError(f"{command} did not start")


def test_a_refusal_says_what_it_knows_and_question_marks_for_the_rest(tmp_path):
    assert held_message(tmp_path / "outputs.lock", {}) == (
        f"another run holds {tmp_path / 'outputs.lock'}: a run (process ? on ?, started ?); one run at a time. "
        "Nothing was loaded or published by this one: wait for that run to finish (or stop it), then try again.")


def test_this_process_is_alive_and_a_finished_one_is_not():
    assert pid_alive(os.getpid())
    assert pid_alive(1)  # init: alive though not ours to signal
    done = subprocess.Popen(["true"])
    done.wait()
    assert not pid_alive(done.pid)


def test_the_lock_records_its_holder_and_its_children_and_is_cleared_on_release(tmp_path):
    outputs = tmp_path / "new" / "outputs"  # the lock's folder is made if missing
    child = started(["sleep", "30"])
    try:
        with run_lock(outputs, "loipr run -r 2025-12-31") as path:
            assert path == lock_path(outputs) == tmp_path / "new" / "outputs.lock"
            assert child.pid in record_children(outputs)
            info = json.loads(path.read_text(encoding="utf-8"))
            assert (info["pid"], info["host"], info["command"]) == (os.getpid(), socket.gethostname(),
                                                                     "loipr run -r 2025-12-31")
            assert info["started"].endswith("+00:00")  # UTC, said so
            assert {"pid": child.pid, "cmdline": "sleep 30"} in info["children"]
        assert path.read_text(encoding="utf-8") == "{}" and path not in _HELD
        assert record_children(outputs) == []  # not held: nothing recorded
    finally:
        child.kill()
        child.wait()


def test_a_dead_holders_children_are_stopped_and_a_reused_pid_is_left_alone(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = started(["sleep", "30"])
    other = started(["sleep", "31"])
    try:
        info = {"pid": dead.pid, "host": socket.gethostname(),
                "children": [{"pid": orphan.pid, "cmdline": "sleep 30"},
                             {"pid": other.pid, "cmdline": "prefect server start"}]}  # pid reused since
        assert reap_orphans(info) == [orphan.pid]
        assert orphan.wait(timeout=10) is not None
        assert other.poll() is None
        assert reap_orphans({**info, "pid": os.getpid()}) == []  # a live holder keeps its children
        assert reap_orphans({**info, "host": "another-host"}) == []
    finally:
        for p in (orphan, other):
            p.kill()
            p.wait()
