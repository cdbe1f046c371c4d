"""One writer per DuckDB file: a second writer is told who holds the file, at once, in plain words."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOIPR = [sys.executable, "-m", "flows.cli"]

HOLD = """
import sys, time
from pathlib import Path
from warehouse.db import connect
con = connect(Path(sys.argv[1]))
print("holding", flush=True)
time.sleep(300)
"""


def test_second_writer_is_refused_with_the_holders_pid(project: Path):
    db = project / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = subprocess.run([*LOIPR, "load", "--outputs", str(project / "out"), "--specs", str(project / "specs"),
                                 "--landing", str(project / "landing"), "--db", str(db)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        message = " ".join(second.stderr.split())
        assert second.returncode == 3, second.stderr
        assert (f"the warehouse {db} is in use by process {holder.pid}; DuckDB allows one writer at a time. "
                f"Wait for that run to finish (or stop it), then try again.") in message
        assert "Conflicting lock" not in second.stderr
        # at once: a second writer that waited for the holder (300 s) would hit the 60 s timeout above
    finally:
        holder.kill()
        holder.wait()
    # its own outputs folder: the run lock of the repository's outputs/ is not this test's
    after = subprocess.run([*LOIPR, "load", "--outputs", str(project / "out"), "--specs", str(project / "specs"),
                            "--landing", str(project / "landing"), "--db", str(db)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert after.returncode == 0, after.stdout + after.stderr


def test_a_reader_is_refused_too_while_a_writer_runs(project: Path):
    """DuckDB locks the file for readers as well: `loipr editions` must therefore not open it."""
    from warehouse.db import WarehouseBusy, connect

    db = project / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        try:
            connect(db, read_only=True)
        except WarehouseBusy as busy:
            assert f"in use by process {holder.pid};" in str(busy)
        else:
            raise AssertionError("a reader opened the file while another process held it")
    finally:
        holder.kill()
        holder.wait()
    # the refused reader changed nothing: once the writer is gone the warehouse opens, tables intact
    con = connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM load_log").fetchone() == (0,)
    finally:
        con.close()
