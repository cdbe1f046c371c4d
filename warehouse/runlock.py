"""One run at a time: an edition-level lock file beside the outputs folder (`outputs.lock`).

`loipr run`, `loipr load` and the scheduled flows take it before they touch the warehouse or
the outputs; a second run stops at once with the holder's pid, host and start time. The lock is
an advisory `flock` on the file, so the kernel releases it when its holder dies, however it dies
(SIGKILL included): a lock file left behind by a dead run is stale and simply taken over.

The holder also records the processes it started (Prefect's temporary server): after a SIGKILL
they would outlive it, so the next run that takes the lock stops them ("reaped at next start").
Re-entrant within one process: the CLI takes the lock before Prefect starts (so a refusal costs
no server start-up) and the flow it calls takes it again without blocking itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterator


class RunLocked(RuntimeError):
    """Another run holds the lock: say who, since when, and what to do."""


_HELD: dict[Path, tuple[IO[str], int]] = {}  # lock file -> (open file, depth), in this process


def lock_path(outputs: Path) -> Path:
    """`<outputs>.lock` beside the outputs folder (never inside: an edition swap must not move it)."""
    outputs = outputs.resolve()
    return outputs.parent / f"{outputs.name}.lock"


def _read(fh: IO[str]) -> dict:
    fh.seek(0)
    try:
        return json.loads(fh.read() or "{}")
    except ValueError:
        return {}


def _write(fh: IO[str], info: dict) -> None:
    fh.seek(0)
    fh.truncate()
    fh.write(json.dumps(info))
    fh.flush()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def pid_alive(pid: int) -> bool:
    """Does process `pid` exist on this machine (whoever owns it)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def held_message(path: Path, info: dict) -> str:
    who = f"process {info.get('pid', '?')} on {info.get('host', '?')}"
    since = info.get("started", "?")
    what = info.get("command", "a run")
    return (f"another run holds {path}: {what} ({who}, started {since}); one run at a time. "
            f"Nothing was loaded or published by this one: wait for that run to finish (or stop it), then try again.")


def reap_orphans(info: dict) -> list[int]:
    """Stop the processes a dead holder started (same host, same command line as recorded)."""
    if info.get("host") != socket.gethostname() or pid_alive(int(info.get("pid", 0) or 0)):
        return []
    stopped = []
    for child in info.get("children", []):
        pid, cmd = int(child["pid"]), child["cmdline"]
        if cmd and _cmdline(pid) == cmd:  # a reused pid runs something else: leave it alone
            try:
                os.kill(pid, signal.SIGTERM)
                stopped.append(pid)
            except OSError:
                pass
    for pid in stopped:  # give them 5 s to stop, then insist
        for _ in range(50):
            if not pid_alive(pid) or not _cmdline(pid):
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    return stopped


def acquire(outputs: Path, command: str) -> IO[str]:
    """Take the lock now or raise RunLocked; returns the open lock file (keep it open)."""
    path = lock_path(outputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        info = _read(fh)
        fh.close()
        raise RunLocked(held_message(path, info)) from None
    previous = _read(fh)
    if previous:
        reap_orphans(previous)
    _write(fh, {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "children": []})
    return fh


def release(fh: IO[str]) -> None:
    """Free the lock and clear the file (a clean exit leaves nothing to reap)."""
    try:
        _write(fh, {})
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()


@contextmanager
def run_lock(outputs: Path, command: str = "") -> Iterator[Path]:
    """Hold the edition lock for the block (re-entrant in one process)."""
    path = lock_path(outputs)
    if path in _HELD:
        fh, depth = _HELD[path]
        _HELD[path] = (fh, depth + 1)
        try:
            yield path
        finally:
            fh, depth = _HELD[path]
            _HELD[path] = (fh, depth - 1)
        return
    fh = acquire(outputs, command or " ".join(sys.argv[:1] + sys.argv[1:3]))
    _HELD[path] = (fh, 1)
    try:
        yield path
    finally:
        _HELD.pop(path, None)
        release(fh)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def record_children(outputs: Path) -> list[int]:
    """Write the processes this run started (e.g. Prefect's temporary server) into the held lock."""
    path = lock_path(outputs)
    if path not in _HELD:
        return []
    fh = _HELD[path][0]
    pids = _children(os.getpid())
    info = _read(fh)
    info["children"] = [{"pid": p, "cmdline": c} for p in pids if (c := _cmdline(p))]
    _write(fh, info)
    return pids
