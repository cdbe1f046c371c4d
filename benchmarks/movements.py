"""Benchmark: the pipeline against bare DuckDB and a plain pandas script, on the same extracts.

Each variant runs in its own process (so peak memory is its own), on the same synthetic
Migraciones extract, in one invocation; figures are reported as ratios because these machines
are shared and noisy (CPU seconds, which count every thread, are the steadier measure there).
The pipeline then loads one more month onto the years it loaded and rebuilds the table: the
cost of a monthly delivery, as a share of the full load. Run: `make bench` (ROWS=10000000 by
default; BENCH_VARIANTS=pipeline,bare to leave pandas out).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
NAMES = {"pipeline": "pipeline", "bare": "bare DuckDB SQL", "bare_same": "bare, same typing",
         "pandas": "pandas (chunked)", "pandas_same": "pandas, same typing"}


def extract_dir(rows: int, seed: int) -> Path:
    """Generate the extract once per (rows, seed); generation is not timed."""
    folder = DATA / f"movements-{rows}-{seed}"
    if not (folder / "done").exists():
        from warehouse.samples.movements import write_movements

        shutil.rmtree(folder, ignore_errors=True)
        write_movements(folder / "migraciones", rows=rows, seed=seed)
        (folder / "done").write_text("ok")
    return folder


def month_file(rows: int, seed: int) -> Path:
    """January 2026 as Migraciones would deliver it: a twelfth of a year of the same volume."""
    path = DATA / f"month-{rows}-{seed}.csv"
    if not path.exists():
        from warehouse.samples.movements import write_movements

        with tempfile.TemporaryDirectory() as tmp:
            year = write_movements(Path(tmp), rows=max(rows // 20, 12), seed=seed + 1, start_year=2026,
                                   end_year=2026)[0]
            with year.open("rb") as src, path.open("wb") as out:
                out.write(src.readline())
                out.writelines(line for line in src if line.split(b";", 2)[1:2] and
                               line.split(b";", 2)[1].endswith(b"/01/2026"))
    return path


def child(part: str, landing: Path, db: Path, month: Path | None) -> dict:
    from benchmarks.variants import VARIANTS

    result = VARIANTS[part](landing, db, month)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(part: str, landing: Path, month: Path | None) -> dict:
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        cmd = [sys.executable, "-m", "benchmarks.movements", "--child", part, "--landing", str(landing),
               "--db", f"{tmp}/{part}.duckdb"] + (["--month", str(month)] if month else [])
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise SystemExit(f"{part} failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        # the warehouse and its spill files; not the month's landing folder (hard links to the extracts)
        result["disk_mb"] = sum(f.stat().st_size for f in Path(tmp).rglob("*")
                                if f.is_file() and "month" not in f.relative_to(tmp).parts) / 2**20
    return result


STAGES = ("load", "build", "validate", "protect", "publish")


def total(r: dict, cpu: bool = False) -> float:
    suffix = "_cpu_s" if cpu else "_s"
    return sum(r.get(stage + suffix, 0.0) for stage in STAGES)


def made(r: dict, cpu: bool = False) -> float:
    """Load and build only: the work the other variants do too (they validate nothing)."""
    suffix = "_cpu_s" if cpu else "_s"
    return r["load" + suffix] + r["build" + suffix]


def report(rows: int, seed: int, results: dict[str, dict]) -> list[str]:
    pipe = results.get("pipeline", {})
    lines = [f"rows: {rows:,} movement records (seed {seed}) on {os.cpu_count()} cores"
             + (f", {pipe['rows_quarantined']:,} quarantined" if pipe else "")]
    lines.append(f"{'':19}{'load':>6}{'build':>6}{'valid.':>7}{'protect':>8}{'publish':>8}{'total':>7}{'cpu':>7}"
                 f"{'peak MB':>8}")
    for part, r in results.items():  # 77 columns; '-' where a variant has no such stage
        cells = [f"{r[f'{s}_s']:{w}.1f}" if f"{s}_s" in r else f"{'-':>{w}}"
                 for s, w in zip(STAGES, (6, 6, 7, 8, 8))]
        lines.append(f"{NAMES[part]:19}{''.join(cells)}{total(r):7.1f}{total(r, cpu=True):7.1f}"
                     f"{r['peak_rss_mb']:8.0f}")
    for other in ("bare", "bare_same", "pandas", "pandas_same"):
        if pipe and other in results:
            o = results[other]
            lines.append(f"pipeline / {other}: load+build time {made(pipe) / made(o):.2f}x (cpu "
                         f"{made(pipe, True) / made(o, True):.2f}x), all stages {total(pipe) / total(o):.2f}x, "
                         f"peak memory {pipe['peak_rss_mb'] / o['peak_rss_mb']:.2f}x")
    if "month_load_s" in pipe:
        month = pipe["month_load_s"] + pipe["month_build_s"]
        lines.append(f"one month appended ({pipe['month_rows']:,} rows): load {pipe['month_load_s']:.2f} s + rebuild "
                     f"{pipe['month_build_s']:.2f} s = {month / pipe['load_s']:.1%} of the full load")
    if pipe:
        lines.append(f"warehouse on disk: {pipe['disk_mb']:,.0f} MB; cube rows {pipe['cube_rows']:,}; withheld "
                     f"{pipe['withheld_share']:.1%} of the count, audit passed: {pipe['audit']}")
    return lines


def spread(rounds: list[dict[str, dict]]) -> list[str]:
    """Each round's load + build ratio of the pipeline to every other variant, and their median.

    The variants of a round run one after the other, so a machine that slows down over the
    afternoon (seen here: the same load 24.5 then 28.9 s) shifts every variant of the round alike;
    a single round's ratio still moved between 2.5x and 3.1x from one hour to the next."""
    lines = []
    for other in [v for v in rounds[0] if v != "pipeline"] if "pipeline" in rounds[0] else []:
        ratios = sorted(made(r["pipeline"]) / made(r[other]) for r in rounds)
        lines.append(f"pipeline / {other}, load+build over {len(rounds)} rounds: "
                     f"{', '.join(f'{x:.2f}x' for x in ratios)}; median {statistics.median(ratios):.2f}x")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--variants", default="pipeline,bare,pandas")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds, each running every variant once; the ratios of each round and their median")
    parser.add_argument("--child", choices=list(NAMES))
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--month", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.landing, args.db, args.month)))
        return 0
    landing = extract_dir(args.rows, args.seed)
    month = month_file(args.rows, args.seed)
    rounds = []
    for n in range(1, args.repeat + 1):
        rounds.append({part: measure(part, landing, month if part == "pipeline" else None)
                       for part in args.variants.split(",")})
        heading = [f"round {n} of {args.repeat}"] if args.repeat > 1 else []
        print("\n".join(heading + report(args.rows, args.seed, rounds[-1])), flush=True)
    if args.repeat > 1:
        print("\n".join(spread(rounds)))
    if args.json:
        args.json.write_text(json.dumps({"rows": args.rows, "results": rounds[-1], "rounds": rounds}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
