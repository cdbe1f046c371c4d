"""A run killed (SIGKILL) during load or during publish leaves everything consistent; a re-run completes.

The run is a real `loipr run` process; tests/flows/paused_run.py wraps a pause around the step
(after a source's load is committed; after the edition is staged) so the test can kill it there.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
EDITION = "2025-12-31"
# Two requests on two sources whose extracts are in the repository: the load pause hits the first.
REQUESTS = ["--request", "40a-movements-iom", "--request", "40h-trafficking-victims"]


PAUSED_RUN = Path(__file__).with_name("paused_run.py")


def loipr_run(project: Path, api: str, pause: str | None = None) -> subprocess.Popen:
    """A real run, on the session's Prefect server: what is killed is the run, not a server start."""
    command = [sys.executable, str(PAUSED_RUN), pause] if pause else [sys.executable, "-m", "flows.cli"]
    return subprocess.Popen([*command, "run", "-r", EDITION, "--specs",
                             str(project / "specs"), "--landing", str(project / "landing"), "--db",
                             str(project / "w.duckdb"), "--outputs", str(project / "out"), *REQUESTS],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_API_URL": api}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def kill_when_paused(proc: subprocess.Popen, step: str) -> None:
    for line in proc.stdout:
        if f"LOIPR paused at {step}" in line:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return
    raise AssertionError(f"the run ended (rc {proc.wait()}) without pausing at {step}")


def finish(proc: subprocess.Popen) -> None:
    output = proc.communicate(timeout=300)[0]
    assert proc.returncode == 0, output  # both requests publish: a failed one (exit 2) is a failed re-run


def warehouse_counts(db: Path) -> dict[str, tuple[int, int]]:
    """Rows and distinct (_file, _row) per raw table: equal when nothing was loaded twice."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_name LIKE 'raw_%' ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*), count(DISTINCT (_file, _row)) FROM "{t}"').fetchone()
                for t in tables} | {"load_log": con.execute("SELECT count(*), count(DISTINCT (source, file)) "
                                                            "FROM load_log").fetchone()}


def edition_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_runs_leave_warehouse_and_edition_consistent(project: Path, prefect_server: str):
    db, edition = project / "w.duckdb", project / "out" / EDITION

    # Killed during load: the first source is committed, the rest not loaded; the file opens.
    kill_when_paused(loipr_run(project, prefect_server, pause="load"), "load")
    partial = warehouse_counts(db)
    assert all(rows == distinct for rows, distinct in partial.values())
    assert not edition.exists()

    # The re-run completes the job without loading anything twice, and publishes.
    finish(loipr_run(project, prefect_server))
    loaded = warehouse_counts(db)
    assert all(rows == distinct for rows, distinct in loaded.values())
    assert len(loaded) > len(partial) or loaded["load_log"][0] > partial["load_log"][0]
    manifest = json.loads((edition / "manifest.json").read_text())
    before = edition_hashes(edition)
    assert set(before) == {*manifest["files"], "manifest.json"}

    # Killed during publish (staging written, not yet swapped): the edition is untouched, byte for byte.
    kill_when_paused(loipr_run(project, prefect_server, pause="publish"), "publish")
    assert edition_hashes(edition) == before
    assert list((project / "out").glob(f".staging-{EDITION}-*")), "the kill should have left a staging folder"
    assert warehouse_counts(db) == loaded

    # The re-run replaces the edition whole and clears the leftovers; the counts do not move.
    finish(loipr_run(project, prefect_server))
    assert warehouse_counts(db) == loaded
    after = json.loads((edition / "manifest.json").read_text())
    assert after["run_id"] != manifest["run_id"]
    assert set(edition_hashes(edition)) == {*after["files"], "manifest.json"}
    assert [p.name for p in (project / "out").iterdir() if p.name.startswith(".")] == []
