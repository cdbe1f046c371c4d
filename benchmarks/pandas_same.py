"""The pipeline's typing written as a plain pandas script: what an office would otherwise write.

Each file is read in chunks as text; the labels are recoded with the spec's own tables, the dates
parsed, the age computed, the two identifiers pseudonymised with the same keyed SHA-256 (first 128
bits) and every typed row written to Parquet (the stored table); the cube is then summed from the
per-chunk counts. No quarantine, no record numbers, no idempotency.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

from benchmarks.variants import ROOT, Clock

CODES = {"TIPO_MOVIMIENTO": "direction", "SEXO": "sex", "NACIONALIDAD": "nationality",
         "CALIDAD_MIGRATORIA": "migration_status", "OCUPACION": "occupation"}
BLANK_AS_UNKNOWN = {"SEXO", "OCUPACION"}


def label_maps() -> dict[str, dict[str, str]]:
    """Label -> code per code column: the spec's recodes and each code standing for itself."""
    from validators.spec.lint import load_catalogue

    cat, _ = load_catalogue(ROOT / "specs")
    source = cat.sources["migraciones-movements"]
    out = {}
    for header, name in CODES.items():
        col = source.column(name)
        out[header] = {code: code for code in cat.codelists[col.codelist].code_set()} | dict(col.recode)
    return out


def pseudonyms(values, key: bytes | None = None) -> list[bytes]:
    """The pipeline's pseudonyms: SHA-256 of the derived 128-bit key and the identifier, 16 bytes."""
    from benchmarks.variants import OFFICE_KEY
    from warehouse.cellsql import hashing_key

    key = key or hashing_key(OFFICE_KEY).encode()
    return [hashlib.sha256(key + v.encode("utf-8")).digest()[:16] for v in values.fillna("")]


def run_pandas_same(landing: Path, db: Path, month: Path | None = None) -> dict:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    clock = Clock()
    maps, parts, rows, writer = label_maps(), [], 0, None
    for f in sorted((landing / "migraciones").glob("*.csv")):
        for chunk in pd.read_csv(f, sep=";", encoding="latin-1", dtype=str, chunksize=1_000_000,
                                 on_bad_lines="skip", keep_default_na=False):
            chunk = chunk.apply(lambda s: s.str.strip()).replace("", None)
            moved = pd.to_datetime(chunk["FECHA_MOVIMIENTO"], format="%d/%m/%Y", errors="coerce")
            born = pd.to_datetime(chunk["FECHA_NACIMIENTO"], format="%d/%m/%Y", errors="coerce")
            before = (moved.dt.month * 100 + moved.dt.day) < (born.dt.month * 100 + born.dt.day)
            typed = pd.DataFrame({"movement_id": pseudonyms(chunk["ID_MOVIMIENTO"]), "movement_date": moved,
                                  "border_post": chunk["PUESTO_CONTROL"],
                                  "age": (moved.dt.year - born.dt.year - before.astype(int)).astype("Int64"),
                                  "document_type": chunk["TIPO_DOCUMENTO"],
                                  "document_number": pseudonyms(chunk["NUMERO_DOCUMENTO"])})
            for header, name in CODES.items():
                coded = chunk[header].map(maps[header])
                typed[name] = coded.where(chunk[header].notna(), "_U") if header in BLANK_AS_UNKNOWN else coded
            typed = typed[moved.notna()]
            table = pa.Table.from_pandas(typed, preserve_index=False)
            writer = writer or pq.ParquetWriter(db.with_suffix(".parquet"), table.schema)
            writer.write_table(table)
            rows += len(typed)
            keys = typed.assign(y=typed["movement_date"].dt.year, age5=typed["age"] // 5)
            parts.append(keys.groupby(["y", "direction", "sex", "age5", "nationality"], dropna=False).size())
    if writer:
        writer.close()
    counts = pd.concat(parts).groupby(level=list(range(5)), dropna=False).sum().rename("n").reset_index()
    clock.stage("load")
    dims = ["direction", "sex", "age5", "nationality"]
    cube = [counts.groupby(["y", *keep], dropna=False)["n"].sum().reset_index()
            for k in range(len(dims) + 1) for keep in itertools.combinations(dims, k)]
    clock.stage("build")
    return {**clock.out, "rows_loaded": rows, "cube_rows": sum(len(c) for c in cube)}
