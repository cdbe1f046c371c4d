"""The DuckDB file: opening it (one writer at a time, with a clear message) and its bookkeeping."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Iterator

import duckdb

class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file: say who, and what to do."""


def busy_message(db_path: Path, error: str) -> str:
    holder = re.search(r"\(PID (\d+)\)", error)
    who = f"process {holder.group(1)}" if holder else "another process"
    return (f"the warehouse {db_path} is in use by {who}; DuckDB allows one writer at a time. "
            f"Wait for that run to finish (or stop it), then try again.")


MEMORY_LIMIT = "1GB"  # LOIPR_DUCKDB_MEMORY overrides; beyond it DuckDB spills to `<db>.tmp/`
CHECKPOINT = "1GB"    # WAL size that triggers a checkpoint: not one per file of a long load


def settings(db_path: Path) -> dict[str, str]:
    """DuckDB's settings for the warehouse: bounded memory, spilling next to the file.

    DuckDB's own default takes 80% of the machine's memory before it spills; a warehouse of twenty
    years of movements would then grow with the rows instead of staying near its working set."""
    return {"memory_limit": os.environ.get("LOIPR_DUCKDB_MEMORY") or MEMORY_LIMIT,
            "temp_directory": str(db_path.with_name(db_path.name + ".tmp")),
            "checkpoint_threshold": CHECKPOINT}


def connect(db_path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only, config=settings(db_path))
    except duckdb.IOException as err:
        if "lock" in str(err).lower():
            raise WarehouseBusy(busy_message(db_path, str(err))) from None
        raise
    if not read_only:
        con.execute(files("warehouse").joinpath("sql/warehouse.sql").read_text())
    return con


@contextmanager
def opened(db_path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(db_path, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


class Params:
    """Collects values as named parameters ($p0, $p1...): SQL text never holds a spec's values."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def bind(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"

    __call__ = bind


def run_bound(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> duckdb.DuckDBPyConnection:
    """Execute with only the parameters the statement uses (DuckDB rejects unused ones)."""
    used = set(re.findall(r"\$(\w+)", sql))
    return con.execute(sql, {k: v for k, v in params.items() if k in used})


def quote(identifier: str) -> str:
    """Quote an identifier that has already passed the spec model's allowlist pattern."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", identifier):
        raise ValueError(f"refusing unsafe SQL identifier {identifier!r}")
    return f'"{identifier}"'


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `table` (quoted or not) exists in the warehouse."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [table.strip('"')]).fetchone()[0])


def raw_table(source_id: str) -> str:
    return quote("raw_" + source_id.replace("-", "_"))


def cube_table(request_id: str) -> str:
    return quote("cube_" + request_id.replace("-", "_"))


# Settings the load sets around a statement and resets after it (see `scoped`; the names are ours,
# never a spec's).
UNORDERED = {"preserve_insertion_order": "false"}
ORDERED = {"preserve_insertion_order": "true"}
# The load's insert filters on rules written over the typed values; pushed below the projection,
# the filter would parse dates and recode labels once to filter and again to store (1.55 s of
# 2.7 s on 800,000 movement rows).
TYPED_ONCE = {**UNORDERED, "disabled_optimizers": "'filter_pushdown'"}


@contextmanager
def scoped(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> Iterator[None]:
    """SET the settings for the statements inside, then RESET them.

    Both settings the load uses are GLOBAL in DuckDB (one value for every cursor of the file). The
    RESET goes through a cursor of its own: a statement that failed inside an explicit transaction
    leaves `con` aborted (it refuses everything but ROLLBACK), and the settings must not stay set
    for the rest of the process nor the RESET's error hide the statement's own."""
    for name, value in values.items():
        con.execute(f"SET GLOBAL {name} = {value}")
    try:
        yield
    finally:
        reset = con.cursor()
        try:
            for name in values:
                reset.execute(f"RESET GLOBAL {name}")
        finally:
            reset.close()
