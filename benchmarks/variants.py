"""The three ways of turning the movement extracts into the same cube, each timed by stage.

- `pipeline`: this project (load with quarantine, build, validate), then one month appended
  onto the loaded years and the table rebuilt: the monthly cost an office pays;
- `bare`: what DuckDB does with no checks (typed read_csv into a table, GROUP BY CUBE);
- `bare_same`: the pipeline's typing (recodes, age, pseudonyms) as one plain query, no checks;
- `pandas_same`: the pipeline's typing (recodes, age, pseudonyms, a stored table) in pandas
  (benchmarks/pandas_same.py);
- `pandas`: what an office would otherwise write (each file read in chunks as text, the two
  dates parsed, grouped by year x direction x sex x 5-year age x nationality, then the cube).

Each runs in its own process (benchmarks/movements.py) so that its peak memory is its own.
"""

from __future__ import annotations

import itertools
import os
import resource
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIMS = ["direction", "sex", "age", "nationality"]
REQUEST = {
    "id": "bench-movements", "paragraph": "40(a)", "title": {"en": "Movements", "es": "Movimientos"},
    "asks": "The volume and nature of migratory movements to and from the State party",
    "source": "migraciones-movements", "breakdowns": DIMS,
    "measure": {"kind": "count", "unit": "PS", "what": {"en": "movements", "es": "movimientos"}},
    "period": {"from": "convention-in-force", "frequency": "year"},
}
MONTH_FILE = "movimientos_migratorios_2026-01.csv"
# An office key as `loipr` makes one (secrets.token_hex(32)): 64 hex digits, fixed for repeatable runs.
OFFICE_KEY = "5f1e" * 16


class Clock:
    """Wall and CPU seconds per stage (CPU counts every thread: on a shared machine it is the
    steadier figure)."""

    def __init__(self) -> None:
        self.out: dict[str, float] = {}
        self._mark = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        # the worker processes of disclosure control count too (reaped when its pool closes)
        r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.perf_counter(), r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime

    def stage(self, name: str) -> None:
        wall, cpu = self._now()
        self.out[f"{name}_s"] = wall - self._mark[0]
        self.out[f"{name}_cpu_s"] = cpu - self._mark[1]
        self._mark = self._now()


def linked_landing(landing: Path, into: Path) -> Path:
    """The years as hard links (the same files), made before anything is loaded from them.

    Making a hard link changes the file's ctime, which the load's hash cache rightly takes as a
    possible change: links made after the full load made the month's run hash every year again
    (7.5 GB at 50 M rows, most of the 8.9 s its load took on 1 December)."""
    folder = into / "migraciones"
    folder.mkdir(parents=True, exist_ok=True)
    for f in sorted((landing / "migraciones").glob("*.csv")):
        os.link(f, folder / f.name)
    return into


def run_pipeline(landing: Path, db: Path, month: Path | None) -> dict:
    from validators.checks import TableContext, validate_table
    from validators.disclosure import protect_edition
    from validators.publish.edition import published_columns
    from validators.publish.formats import write_table
    from validators.spec.lint import load_catalogue
    from validators.spec.model import Request
    from warehouse.cube import build_cube
    from warehouse.db import connect
    from warehouse.load import load_source

    cat, _ = load_catalogue(ROOT / "specs")
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    req = Request.model_validate(REQUEST)
    con = connect(db)
    landing = linked_landing(landing, db.parent / "month")  # where the next month is delivered too
    clock = Clock()
    loads = load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], OFFICE_KEY)
    con.execute("CHECKPOINT")  # the rows written to the file, as bare DuckDB's CREATE TABLE leaves them
    clock.stage("load")
    info = build_cube(con, req, source, cat.codelists, date(2025, 12, 31))
    table = con.execute(f"SELECT * FROM {info.table}").df()
    clock.stage("build")
    ctx = TableContext(req, source, cat.codelists, info.expected, info.covered)
    findings = validate_table(ctx, table).all_findings
    clock.stage("validate")
    # protect and publish as the edition does: every cell of every year, then CSV and Parquet
    protected, report = protect_edition({req.id: published_columns(table, ctx.dims)}, {req.id: req}, cat.codelists)
    clock.stage("protect")
    write_table(db.parent, req.id, protected[req.id])
    clock.stage("publish")
    out = {**clock.out, "rows_read": sum(f.rows_read for f in loads), "cube_rows": info.rows,
           "withheld_share": report[req.id].get("withheld_share"), "audit": report[req.id].get("audit", {}).get("passed"),
           "rows_loaded": sum(f.rows_loaded for f in loads), "errors": sum(f.severity == "error" for f in findings),
           "rows_quarantined": sum(f.rows_quarantined for f in loads)}
    if month is not None:  # the next month's delivery, onto the years just loaded
        clock = Clock()
        os.link(month, landing / "migraciones" / MONTH_FILE)  # delivered next to the years
        news = [f for f in load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], OFFICE_KEY)
                if not f.skipped]
        con.execute("CHECKPOINT")
        clock.stage("month_load")
        info = build_cube(con, req, source, cat.codelists, date(2026, 1, 31))
        con.execute(f"SELECT * FROM {info.table}").df()
        clock.stage("month_build")
        out.update(clock.out, month_rows=sum(f.rows_read for f in news), month_files=len(news))
    con.close()
    return out


def run_bare(landing: Path, db: Path, month: Path | None = None) -> dict:
    """The same work as plain SQL: typed read_csv into a table, then GROUP BY CUBE of the same dims."""
    import duckdb

    con = duckdb.connect(str(db))
    clock = Clock()
    con.execute(f"""CREATE TABLE m AS SELECT * FROM read_csv('{landing}/migraciones/*.csv', delim=';',
        header=true, encoding='latin-1', ignore_errors=true, dateformat='%d/%m/%Y', types={{
        'FECHA_MOVIMIENTO': 'DATE', 'FECHA_NACIMIENTO': 'DATE', 'OCUPACION': 'VARCHAR'}})""")
    clock.stage("load")
    con.execute("""CREATE TABLE c AS SELECT year(FECHA_MOVIMIENTO) AS y, TIPO_MOVIMIENTO, SEXO,
        date_sub('year', FECHA_NACIMIENTO, FECHA_MOVIMIENTO) // 5 AS age5, NACIONALIDAD, count(*) AS n
        FROM m GROUP BY y, CUBE(TIPO_MOVIMIENTO, SEXO, age5, NACIONALIDAD)""")
    clock.stage("build")
    out = {**clock.out, "rows_loaded": con.execute("SELECT count(*) FROM m").fetchall()[0][0],
           "cube_rows": con.execute("SELECT count(*) FROM c").fetchall()[0][0]}
    con.close()
    return out


def recode_values(column: str) -> str:
    """The spec's label -> code pairs for one code column, labels as the spec writes them (the
    cheapest plain join: exact labels, nothing folded per row), as a VALUES list."""
    from benchmarks.pandas_same import CODES, label_maps

    header = next(h for h, name in CODES.items() if name == column)
    pairs = label_maps()[header]
    rows = ", ".join(f"('{label.replace(chr(39), chr(39) * 2)}', '{code}')" for label, code in pairs.items())
    return f"(VALUES {rows})"


def run_bare_same(landing: Path, db: Path, month: Path | None = None) -> dict:
    """The pipeline's typing written as one plain query: every column read as text, the dates
    parsed, the labels recoded (folded), the age computed and the two identifiers pseudonymised as
    the pipeline stores them; no quarantine, no record numbers, no provenance, no idempotency."""
    import duckdb

    con = duckdb.connect(str(db), config={"memory_limit": "1GB"})
    clock = Clock()
    codes = {"direction": "TIPO_MOVIMIENTO", "sex": "SEXO", "nationality": "NACIONALIDAD",
             "migration_status": "CALIDAD_MIGRATORIA", "occupation": "OCUPACION"}
    joins = " ".join(f"LEFT JOIN {recode_values(name)} AS {name}(label, code) "
                     f"ON {name}.label = s.{col}" for name, col in codes.items())
    from warehouse.cellsql import hashing_key

    hashed = f"CAST('0x' || left(sha256(concat('{hashing_key(OFFICE_KEY)}', trim(s.{{0}}))), 32) AS UHUGEINT)"
    con.execute(f"""CREATE TABLE m AS SELECT {hashed.format('ID_MOVIMIENTO')} AS movement_id,
        CAST(try_strptime(trim(s.FECHA_MOVIMIENTO), '%d/%m/%Y') AS DATE) AS movement_date,
        direction.code AS direction, trim(s.PUESTO_CONTROL) AS border_post, coalesce(sex.code, '_U') AS sex,
        CAST(date_sub('year', CAST(try_strptime(trim(s.FECHA_NACIMIENTO), '%d/%m/%Y') AS DATE),
             CAST(try_strptime(trim(s.FECHA_MOVIMIENTO), '%d/%m/%Y') AS DATE)) AS INTEGER) AS age,
        nationality.code AS nationality, migration_status.code AS migration_status,
        coalesce(occupation.code, '_U') AS occupation, trim(s.TIPO_DOCUMENTO) AS document_type,
        {hashed.format('NUMERO_DOCUMENTO')} AS document_number
        FROM read_csv('{landing}/migraciones/*.csv', delim=';', header=true, encoding='latin-1',
                      all_varchar=true, ignore_errors=true) s {joins}""")
    clock.stage("load")
    con.execute("""CREATE TABLE c AS SELECT year(movement_date) AS y, direction, sex, age // 5 AS age5,
        nationality, count(*) AS n FROM m GROUP BY y, CUBE(direction, sex, age5, nationality)""")
    clock.stage("build")
    out = {**clock.out, "rows_loaded": con.execute("SELECT count(*) FROM m").fetchall()[0][0],
           "cube_rows": con.execute("SELECT count(*) FROM c").fetchall()[0][0]}
    con.close()
    return out


PANDAS_KEYS = ["TIPO_MOVIMIENTO", "SEXO", "age5", "NACIONALIDAD"]


def run_pandas(landing: Path, db: Path | None = None, month: Path | None = None) -> dict:
    """Chunked text read (so memory stays bounded), dates parsed, counts summed over chunks."""
    import pandas as pd

    clock = Clock()
    parts, rows = [], 0
    cols = ["FECHA_MOVIMIENTO", "TIPO_MOVIMIENTO", "SEXO", "FECHA_NACIMIENTO", "NACIONALIDAD"]
    for f in sorted((landing / "migraciones").glob("*.csv")):
        for chunk in pd.read_csv(f, sep=";", encoding="latin-1", dtype=str, usecols=cols, chunksize=1_000_000,
                                 on_bad_lines="skip", keep_default_na=False):
            moved = pd.to_datetime(chunk["FECHA_MOVIMIENTO"], format="%d/%m/%Y", errors="coerce")
            born = pd.to_datetime(chunk["FECHA_NACIMIENTO"], format="%d/%m/%Y", errors="coerce")
            before = (moved.dt.month * 100 + moved.dt.day) < (born.dt.month * 100 + born.dt.day)
            age = moved.dt.year - born.dt.year - before.astype(int)
            frame = pd.DataFrame({"y": moved.dt.year, "TIPO_MOVIMIENTO": chunk["TIPO_MOVIMIENTO"],
                                  "SEXO": chunk["SEXO"], "age5": (age // 5).astype("Int64"),
                                  "NACIONALIDAD": chunk["NACIONALIDAD"]})[moved.notna()]
            rows += len(frame)
            parts.append(frame.groupby(["y", *PANDAS_KEYS], dropna=False).size())
    counts = pd.concat(parts).groupby(level=list(range(5)), dropna=False).sum().rename("n").reset_index()
    clock.stage("load")
    cube = [counts.groupby(["y", *keep], dropna=False)["n"].sum().reset_index()
            for k in range(len(PANDAS_KEYS) + 1) for keep in itertools.combinations(PANDAS_KEYS, k)]
    cube_rows = sum(len(c) for c in cube)
    clock.stage("build")
    return {**clock.out, "rows_loaded": rows, "cube_rows": cube_rows}


def run_pandas_same(landing: Path, db: Path, month: Path | None = None) -> dict:
    from benchmarks.pandas_same import run_pandas_same as run

    return run(landing, db, month)


VARIANTS = {"pipeline": run_pipeline, "bare": run_bare, "bare_same": run_bare_same, "pandas": run_pandas,
            "pandas_same": run_pandas_same}
