"""Benchmark: the whole sample edition, as the office runs it, from an empty warehouse.

Runs `loipr run` (the `fulfil` flow) on the bundled sample extracts (`make sample`) into a fresh
DuckDB file and outputs folder under a temporary directory, then a second time onto that
warehouse (nothing to load: the nightly run with no new delivery). Reports each run's stage
seconds as the flow measured them (load, build + validate, protect, publish, total), the
command's wall seconds (Prefect's start included), its CPU seconds and peak memory. Run:
`make bench-edition`.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = re.compile(r"^seconds: (?P<stages>.*?); total (?P<total>[0-9.]+)$", re.MULTILINE)


def one_run(db: Path, outputs: Path, reference: str) -> dict:
    """One `loipr run` in its own process: the flow's stage seconds, wall, CPU and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).with_name("loipr")), "run", "--reference-date", reference,
                           "--db", str(db), "--outputs", str(outputs)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    found = STAGES.search(proc.stdout)
    if proc.returncode not in (0, 2) or not found:  # 2: the edition has failed requests, still timed
        raise SystemExit(f"loipr run failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    stages = {name: float(s) for name, s in (part.rsplit(" ", 1) for part in found["stages"].split(", "))}
    return {**stages, "total": float(found["total"]), "wall": wall,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "peak_mb": after.ru_maxrss / 1024}


def report(runs: dict[str, dict]) -> list[str]:
    """A table that fits 80 columns: one row per run."""
    names = ["load", "build + validate", "protect", "publish", "total", "wall", "cpu"]
    head = "".join(f"{n.replace('build + validate', 'build+v'):>9}" for n in names)
    lines = [f"{'':7}{head}{'peak MB':>8}"]
    for label, r in runs.items():
        lines.append(f"{label:7}" + "".join(f"{r.get(n, 0.0):9.1f}" for n in names) + f"{r['peak_mb']:8.0f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference-date", default="2025-12-31")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db, outputs = Path(tmp) / "loipr.duckdb", Path(tmp) / "outputs"
        os.environ.setdefault("PREFECT_HOME", str(Path(tmp) / "prefect"))
        runs = {"empty": one_run(db, outputs, args.reference_date),
                "loaded": one_run(db, outputs, args.reference_date)}
    print(f"sample edition on {os.cpu_count()} cores (seconds; 'empty': from an empty warehouse, "
          f"'loaded': nothing new to load)")
    print("\n".join(report(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
