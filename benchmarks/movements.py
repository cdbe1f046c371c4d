"""Benchmark: the pipeline's load + build + validate against the same load and GROUP BY in bare DuckDB.

Each variant runs in its own process (so peak memory is its own), on the same synthetic
Migraciones extract, in one invocation; figures are reported as ratios because these machines
are shared and noisy. Run: `make bench` (ROWS=10000000 by default).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
DIMS = ["direction", "sex", "age", "nationality"]
REQUEST = {
    "id": "bench-movements", "paragraph": "40(a)", "title": {"en": "Movements", "es": "Movimientos"},
    "asks": "The volume and nature of migratory movements to and from the State party",
    "source": "migraciones-movements", "breakdowns": DIMS,
    "measure": {"kind": "count", "unit": "PS", "what": {"en": "movements", "es": "movimientos"}},
    "period": {"from": "convention-in-force", "frequency": "year"},
}


def extract_dir(rows: int, seed: int) -> Path:
    """Generate the extract once per (rows, seed); generation is not timed."""
    folder = DATA / f"movements-{rows}-{seed}"
    if not (folder / "done").exists():
        from warehouse.samples.movements import write_movements

        shutil.rmtree(folder, ignore_errors=True)
        write_movements(folder / "migraciones", rows=rows, seed=seed)
        (folder / "done").write_text("ok")
    return folder


def run_pipeline(landing: Path, db: Path) -> dict:
    from validators.spec.lint import load_catalogue
    from validators.spec.model import Request
    from validators.checks import TableContext, validate_table
    from warehouse.cube import build_cube
    from warehouse.db import connect
    from warehouse.load import load_source

    cat, _ = load_catalogue(ROOT / "specs")
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    req = Request.model_validate(REQUEST)
    con = connect(db)
    t0 = time.perf_counter()
    loads = load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], "bench-key")
    t1 = time.perf_counter()
    info = build_cube(con, req, source, cat.codelists, date(2025, 12, 31))
    table = con.execute(f"SELECT * FROM {info.table}").df()
    t2 = time.perf_counter()
    findings = validate_table(TableContext(req, source, cat.codelists, info.expected, info.covered), table).all_findings
    t3 = time.perf_counter()
    return {"load_s": t1 - t0, "build_s": t2 - t1, "validate_s": t3 - t2, "total_s": t3 - t0,
            "rows_read": sum(f.rows_read for f in loads), "rows_loaded": sum(f.rows_loaded for f in loads),
            "rows_quarantined": sum(f.rows_quarantined for f in loads), "cube_rows": info.rows,
            "errors": sum(f.severity == "error" for f in findings)}


def run_bare(landing: Path, db: Path) -> dict:
    """The same work as plain SQL: typed read_csv into a table, then GROUP BY CUBE of the same dims."""
    import duckdb

    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute(f"""CREATE TABLE m AS SELECT * FROM read_csv('{landing}/migraciones/*.csv', delim=';',
        header=true, encoding='latin-1', ignore_errors=true, dateformat='%d/%m/%Y', types={{
        'FECHA_MOVIMIENTO': 'DATE', 'FECHA_NACIMIENTO': 'DATE', 'OCUPACION': 'VARCHAR'}})""")
    t1 = time.perf_counter()
    con.execute("""CREATE TABLE c AS SELECT year(FECHA_MOVIMIENTO) AS y, TIPO_MOVIMIENTO, SEXO,
        date_sub('year', FECHA_NACIMIENTO, FECHA_MOVIMIENTO) // 5 AS age5, NACIONALIDAD, count(*) AS n
        FROM m GROUP BY y, CUBE(TIPO_MOVIMIENTO, SEXO, age5, NACIONALIDAD)""")
    t2 = time.perf_counter()
    return {"load_s": t1 - t0, "build_s": t2 - t1, "total_s": t2 - t0,
            "rows_loaded": con.execute("SELECT count(*) FROM m").fetchone()[0]}


def child(part: str, landing: Path, db: Path) -> dict:
    result = (run_pipeline if part == "pipeline" else run_bare)(landing, db)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def measure(part: str, landing: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.movements", "--child", part,
                               "--landing", str(landing), "--db", f"{tmp}/{part}.duckdb"],
                              capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--child", choices=["pipeline", "bare"])
    parser.add_argument("--landing", type=Path)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.landing, args.db)))
        return 0
    landing = extract_dir(args.rows, args.seed)
    bare = measure("bare", landing)
    pipe = measure("pipeline", landing)
    print(f"rows: {args.rows:,} movement records (seed {args.seed}), {pipe['rows_quarantined']:,} quarantined")
    for name, r in (("bare DuckDB SQL", bare), ("pipeline", pipe)):
        print(f"{name:16} load {r['load_s']:7.2f} s  build {r['build_s']:6.2f} s  "
              f"validate {r.get('validate_s', 0):5.2f} s  total {r['total_s']:7.2f} s  peak {r['peak_rss_mb']:7.0f} MB")
    print(f"ratio pipeline / bare: time {pipe['total_s'] / bare['total_s']:.2f}x, "
          f"peak memory {pipe['peak_rss_mb'] / bare['peak_rss_mb']:.2f}x; cube rows {pipe['cube_rows']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
