"""Two files load at once only when two stagings fit in DuckDB's memory limit."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from warehouse.parallel import load_files, memory_limit_bytes, two_fit


@pytest.mark.parametrize(("setting", "expected"), [
    ("1GB", 953.6 * 2**20), ("2.5GB", 2.3 * 2**30), ("512MB", 488.2 * 2**20), ("3GiB", 3 * 2**30)])
def test_the_memory_limit_is_read_back_in_bytes_as_duckdb_prints_it(setting, expected):
    con = duckdb.connect(config={"memory_limit": setting})
    assert memory_limit_bytes(con) == int(expected)


def test_two_files_pair_when_the_two_largest_stagings_fit_four_fifths_of_the_limit():
    mb = 2**20
    assert two_fit([126 * mb, 24 * mb, 120 * mb], 10**9)          # 10 M movements under 1 GB
    assert not two_fit([633 * mb, 24 * mb, 620 * mb], 10**9)      # 50 M movements under 1 GB
    assert two_fit([633 * mb, 620 * mb], int(2.5 * 10**9))        # ... under 2.5 GB
    assert two_fit([900 * mb], 10**9)                              # one file: nothing to pair


def _threads_used(tmp_path, limit: str, size_mb: int) -> int:
    """How many threads loaded the files after the first (sparse files: sized, never written)."""
    con = duckdb.connect(config={"memory_limit": limit})
    con.execute("CREATE TABLE raw_t (x INTEGER)")  # the raw table exists: files may go two at a time
    todo = []
    for i in range(6):
        path = tmp_path / f"f{i}.csv"
        with path.open("wb") as fh:
            fh.truncate(size_mb * 2**20)
        todo.append((path.name, path))

    def one(cur, rel, path, alone):
        time.sleep(0.05)
        return threading.get_ident(), alone

    loads = load_files(con, "raw_t", todo, one)
    assert {alone for _, alone in loads} == {len({t for t, _ in loads}) == 1}  # alone iff one at a time
    return len({t for t, _ in loads})


def test_files_whose_stagings_do_not_fit_together_load_one_at_a_time(tmp_path):
    assert _threads_used(tmp_path, "100MB", 20) == 2  # 1.4 x 40 MiB = 59 MB <= 80 MB
    assert _threads_used(tmp_path, "100MB", 30) == 1  # 1.4 x 60 MiB = 88 MB > 80 MB


def test_a_single_file_to_load_after_the_first_loads_alone(tmp_path):
    """A monthly delivery is one new file of a source already loaded: nothing loads beside it, so it
    is staged alone (on every core); with a second file that fits beside it, neither is."""
    con = duckdb.connect()
    con.execute("CREATE TABLE raw_t (x INTEGER)")
    todo = []
    for i in range(2):
        path = tmp_path / f"f{i}.csv"
        path.write_bytes(b"A\n1\n")
        todo.append((path.name, path))
    assert load_files(con, "raw_t", todo[:1], lambda cur, rel, path, alone: alone) == [True]
    assert load_files(con, "raw_t", todo, lambda cur, rel, path, alone: alone) == [False, False]
