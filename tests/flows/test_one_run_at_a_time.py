"""Two real `loipr run` processes started together: one publishes, the other is refused at once;
a `loipr run` killed with SIGKILL leaves Prefect's temporary server, which the next run stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAUSED_RUN = Path(__file__).with_name("paused_run.py")
EDITION = "2025-12-31"


def loipr(project: Path, *args: str, pause: str | None = None) -> subprocess.Popen:
    command = [sys.executable, str(PAUSED_RUN), pause] if pause else [sys.executable, "-m", "flows.cli"]
    return subprocess.Popen([*command, *args, "--specs", str(project / "specs"), "--landing",
                             str(project / "landing"), "--db", str(project / "w.duckdb"),
                             "--outputs", str(project / "out")], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_two_runs_started_together_one_publishes_the_other_is_refused_at_once(project: Path) -> None:
    args = ("run", "-r", EDITION, "--request", "40a-movements-iom")
    started = time.monotonic()
    runs = [loipr(project, *args), loipr(project, *args)]
    ended: dict[int, float] = {}
    while len(ended) < 2 and time.monotonic() - started < 600:
        for i, proc in enumerate(runs):
            if i not in ended and proc.poll() is not None:
                ended[i] = time.monotonic() - started
        time.sleep(0.05)
    outputs = {i: proc.communicate()[0] for i, proc in enumerate(runs)}
    codes = sorted(proc.returncode for proc in runs)
    assert codes in ([0, 3], [2, 3]), outputs
    refused = next(i for i, proc in enumerate(runs) if proc.returncode == 3)
    assert ended[refused] < 5, ended
    text = " ".join(outputs[refused].split())
    assert f"another run holds {project / 'out.lock'}: loipr run -r {EDITION} (process " in text
    assert "Nothing was loaded or published by this one: wait for that run to finish (or stop it), then try again." in text
    edition = project / "out" / EDITION
    manifest = json.loads((edition / "manifest.json").read_text())
    assert all((edition / f).is_file() for f in manifest["files"])
    assert sorted(p.name for p in (project / "out").iterdir()) == [EDITION]  # no staging left behind


def prefect_servers_of(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue
            if "uvicorn" in cmd and "prefect" in cmd and f"LOIPR_TEST_PARENT={pid}".encode() in environ:
                found.append(int(proc.name))
    return found


def test_a_killed_run_leaves_no_prefect_server_after_the_next_start(project: Path) -> None:
    os.environ["LOIPR_TEST_PARENT"] = marker = str(os.getpid() * 1000 + 7)
    try:
        run = loipr(project, "run", "-r", EDITION, "--request", "40a-movements-iom", pause="load")
    finally:
        del os.environ["LOIPR_TEST_PARENT"]
    for line in run.stdout:
        if "LOIPR paused at load" in line:
            break
    run.send_signal(signal.SIGKILL)  # the run only, as a user's kill -9 does
    run.wait()
    orphans = prefect_servers_of(int(marker))
    assert orphans, "Prefect's temporary server was expected to outlive the killed run"
    again = loipr(project, "load", "--source", "iom-movements")
    assert again.wait(timeout=300) == 0, again.stdout.read()
    assert prefect_servers_of(int(marker)) == []
