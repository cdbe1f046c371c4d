"""Loading real-format extracts: every row loaded or quarantined with its row number and reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from validators.spec.model import QuarantineBudget
from warehouse.db import connect
from warehouse.guards import LoadGuards
from warehouse.load import load_source


def fixture_budget(source):
    """Fixtures plant several bad rows in a dozen: allow them (the default budget is 1%)."""
    return source.model_copy(update={"quarantine_budget": QuarantineBudget(share=0.5, reason="fixture with planted bad rows")})

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minsa" / "fallecidos_covid_2020-06.csv"


@pytest.fixture
def minsa(tmp_path):
    cat = real_catalogue()
    landing = tmp_path / "landing"
    (landing / "minsa").mkdir(parents=True)
    shutil.copy(FIXTURE, landing / "minsa" / FIXTURE.name)
    con = connect(tmp_path / "w.duckdb")
    shown = cat.files[("sources", "minsa-covid-deaths")]

    def load(guards: LoadGuards = LoadGuards()):
        return load_source(con, fixture_budget(cat.sources["minsa-covid-deaths"]), landing, cat.codelists, shown,
                           cat.hashes[shown], "test-key", guards)
    yield con, load, landing
    con.close()


def test_bad_rows_are_quarantined_with_row_number_and_reason(minsa):
    con, load, _ = minsa
    (result,) = load()
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (12, 9, 3)
    rows = con.execute('SELECT row_number, "column", value, rule, message FROM quarantine ORDER BY row_number').fetchall()
    assert rows[0] == (5, "FECHA_FALLECIMIENTO", "31/02/2020", "not_a_date",
                       "'31/02/2020' in FECHA_FALLECIMIENTO is not a date in the format %Y%m%d, %d/%m/%Y")
    assert rows[1] == (7, "SEXO", "MUJER", "unknown_label",
                       "'MUJER' in SEXO is not mapped to a code of 'sex'; add it to the recode of SEXO "
                       "in specs/sources/minsa-covid-deaths.yaml")
    assert rows[2][0] == 9 and rows[2][3] == "unreadable_row"
    assert rows[2][4].startswith("the row cannot be split into the file's columns: MISSING COLUMNS")


def test_load_log_counts_add_up(minsa):
    con, load, _ = minsa
    load()
    read, loaded, quarantined = con.execute(
        "SELECT rows_read, rows_loaded, rows_quarantined FROM load_log").fetchone()
    assert read == loaded + quarantined
    assert loaded == con.execute("SELECT count(*) FROM raw_minsa_covid_deaths").fetchone()[0]
    assert quarantined == con.execute("SELECT count(DISTINCT row_number) FROM quarantine").fetchone()[0]


def test_recodes_fold_accents_and_spanish_labels(minsa):
    con, load, _ = minsa
    load()
    sex, region = con.execute("SELECT sex, region FROM raw_minsa_covid_deaths WHERE _row = 13").fetchone()
    assert (sex, region) == ("_U", "PE-ANC")  # INDETERMINADO -> unknown; ÁNCASH -> ISO 3166-2


def test_personal_data_never_reaches_duckdb_in_clear(minsa):
    con, load, _ = minsa
    load()
    columns = [r[0] for r in con.execute("DESCRIBE raw_minsa_covid_deaths").fetchall()]
    assert "birth_date" not in columns  # dropped
    ids = [r[0] for r in con.execute("SELECT record_id FROM raw_minsa_covid_deaths").fetchall()]
    assert "056f73432adaf077b06ab0f9453ce753" not in ids and all(isinstance(i, int) and 0 <= i < 2**128 for i in ids)
    # keyed: without the office's key nobody can recompute a pseudonym from a known identifier;
    # stored as the first 128 bits of SHA-256 of the identifier after a 128-bit key derived from it
    import hashlib
    known = "056f73432adaf077b06ab0f9453ce753"
    derived = hashlib.sha256(b"test-key").hexdigest()[:32]
    assert int(hashlib.sha256((derived + known).encode()).hexdigest()[:32], 16) in ids
    assert int(hashlib.sha256(("test-key" + known).encode()).hexdigest()[:32], 16) not in ids
    assert int(hashlib.sha256(known.encode()).hexdigest()[:32], 16) not in ids


def test_same_file_twice_loads_once_and_a_changed_file_replaces_its_rows(minsa):
    con, load, landing = minsa
    load()
    (again,) = load()
    assert again.skipped
    assert con.execute("SELECT count(*) FROM raw_minsa_covid_deaths").fetchone()[0] == 9
    path = landing / "minsa" / FIXTURE.name
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[:4]) + b"\r\n")  # the owner re-sends a shorter file
    (refused,) = load()  # it removes 6 of the source's 9 rows: only with the office's confirmation
    assert refused.error.endswith("nothing was changed. Check the delivery, or confirm with --allow-shrink")
    assert con.execute("SELECT count(*) FROM raw_minsa_covid_deaths").fetchone()[0] == 9
    (changed,) = load(LoadGuards(allow_shrink=True))
    assert not changed.skipped and changed.rows_read == 3
    assert con.execute("SELECT count(*) FROM raw_minsa_covid_deaths").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM load_log").fetchone()[0] == 1


def test_a_blank_identifier_has_no_pseudonym_rather_than_one_shared_by_every_blank():
    import hashlib

    import duckdb

    from warehouse.db import Params
    from warehouse.cellsql import PSEUDONYM_KEY, pseudonym

    p = Params()
    sql = f"SELECT {pseudonym('x', p)} FROM (VALUES ('A1'), (NULL)) t(x)"
    params = {k: ("k" if v is PSEUDONYM_KEY else v) for k, v in p.values.items()}
    got = [r[0] for r in duckdb.connect().execute(sql, params).fetchall()]
    assert got == [int(hashlib.sha256(b"kA1").hexdigest()[:32], 16), None]


def test_a_warehouse_loaded_in_an_older_storage_format_reloads_its_source(minsa):
    con, load, _ = minsa
    load()
    spec_hash = con.execute("SELECT spec_sha256 FROM load_log").fetchone()[0]
    # as code before the 128-bit pseudonyms left it: the state names the spec alone
    con.execute("UPDATE source_state SET spec_sha256 = ?", [spec_hash])
    con.execute("UPDATE raw_minsa_covid_deaths SET record_id = NULL")
    (again,) = load()
    assert not again.skipped and again.rows_loaded == 9
    assert con.execute("SELECT count(record_id) FROM raw_minsa_covid_deaths").fetchone()[0] == 9
    (steady,) = load()
    assert steady.skipped


def _load_movements(db: Path, landing: Path):
    """The movement extracts of `landing` loaded into a new warehouse (planted bad rows allowed)."""
    cat = real_catalogue()
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    con = connect(db)
    return con, load_source(con, fixture_budget(source), landing, cat.codelists, shown, cat.hashes[shown], "test-key")


def test_files_loaded_two_at_a_time_give_the_same_rows_numbers_and_quarantine_as_one_at_a_time(tmp_path, monkeypatch):
    """Each file is loaded on its own cursor and transaction, two at once: the warehouse must not
    depend on it (rows, record numbers, quarantine and load log all equal to a serial load)."""
    import warehouse.parallel as load_module
    from warehouse.samples.movements import write_movements

    write_movements(tmp_path / "landing" / "migraciones", rows=6_000, seed=7, start_year=2019, end_year=2024,
                    bad_row_share=0.01)
    state = {}
    for workers in (1, 2):
        monkeypatch.setattr(load_module, "LOAD_WORKERS", workers)
        con, loads = _load_movements(tmp_path / f"w{workers}.duckdb", tmp_path / "landing")
        state[workers] = (
            [(f.file, f.rows_read, f.rows_loaded, f.rows_quarantined, f.error) for f in loads],
            con.execute("SELECT * EXCLUDE (loaded_at) FROM load_log ORDER BY file").fetchall(),
            con.execute("SELECT * FROM quarantine ORDER BY file, row_number, \"column\"").fetchall(),
            con.execute("SELECT * FROM raw_migraciones_movements ORDER BY _file, _row").fetchall())
        con.close()
    assert len(state[1][0]) == 6 and all(error is None for *_, error in state[1][0])
    assert sum(q for *_, q, _ in state[1][0]) > 0  # bad rows planted: the quarantine is compared too
    assert state[2] == state[1]


def test_a_statement_failing_inside_the_loads_settings_raises_its_own_error_and_leaves_no_setting_behind(tmp_path):
    """The insert runs inside the file's transaction with TYPED_ONCE set (global DuckDB settings).
    When it fails, the transaction is aborted: the settings must still be reset (else every later
    statement of the process runs unordered) and the caller must see the insert's own error."""
    import duckdb

    from warehouse.db import TYPED_ONCE, scoped

    con = connect(tmp_path / "w.duckdb")
    con.execute("BEGIN")
    with pytest.raises(duckdb.InvalidInputException, match="the insert failed"), scoped(con, TYPED_ONCE):
        con.execute("SELECT error('the insert failed')")
    con.execute("ROLLBACK")
    assert con.execute("SELECT current_setting('preserve_insertion_order'), "
                       "current_setting('disabled_optimizers')").fetchone() == (True, "")
    con.close()


def test_a_redelivery_loaded_two_at_a_time_equals_one_at_a_time_with_a_refusal_and_an_unreadable_file(
        tmp_path, monkeypatch):
    """A second delivery replaces one file, refuses one over its budget, cannot read a third and adds a
    fourth, two files at a time: the warehouse and the results equal a serial load's."""
    import warehouse.parallel as load_module
    from warehouse.samples.movements import write_movements

    cat = real_catalogue()
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    first, second = tmp_path / "first" / "migraciones", tmp_path / "second" / "migraciones"
    write_movements(first, rows=3_000, seed=7, start_year=2019, end_year=2022, bad_row_share=0.01)
    write_movements(second, rows=3_000, seed=8, start_year=2019, end_year=2023, bad_row_share=0.01)
    state = {}
    for workers in (1, 2):
        monkeypatch.setattr(load_module, "LOAD_WORKERS", workers)
        landing = tmp_path / f"landing{workers}"
        shutil.copytree(first, landing / "migraciones")
        con = connect(tmp_path / f"w{workers}.duckdb")

        def load(con=con, landing=landing):
            return [(f.file, f.rows_read, f.rows_loaded, f.rows_quarantined, f.skipped, f.error) for f in
                    load_source(con, fixture_budget(source), landing, cat.codelists, shown, cat.hashes[shown],
                                "test-key", LoadGuards(), today=None)]
        load()
        folder = landing / "migraciones"
        shutil.copy(second / "movimientos_migratorios_2019.csv", folder)  # replaced
        text = (folder / "movimientos_migratorios_2020.csv").read_text(encoding="latin-1").splitlines()
        (folder / "movimientos_migratorios_2020.csv").write_text(  # most dates unreadable: over the budget
            "\n".join([text[0]] + [line.replace("/20", "/x") for line in text[1:]]) + "\n", encoding="latin-1")
        (folder / "movimientos_migratorios_2021.csv").write_text(  # a header renamed: unreadable
            "\n".join([text[0].replace("FECHA", "FECHO", 1)] + text[1:]) + "\n", encoding="latin-1")
        shutil.copy(second / "movimientos_migratorios_2023.csv", folder)  # new
        results = load()
        state[workers] = (
            results,
            con.execute("SELECT * EXCLUDE (loaded_at) FROM load_log ORDER BY file").fetchall(),
            con.execute("SELECT * FROM quarantine ORDER BY file, row_number, \"column\"").fetchall(),
            con.execute("SELECT * FROM raw_migraciones_movements ORDER BY _file, _row").fetchall())
        con.close()
    results = {r[0]: r for r in state[1][0]}
    assert results["migraciones/movimientos_migratorios_2019.csv"][-1] is None
    assert results["migraciones/movimientos_migratorios_2020.csv"][-1].startswith(
        "migraciones/movimientos_migratorios_2020.csv: ")
    assert "over the budget" in results["migraciones/movimientos_migratorios_2020.csv"][-1]
    assert "not found" in results["migraciones/movimientos_migratorios_2021.csv"][-1]
    assert results["migraciones/movimientos_migratorios_2022.csv"][4]  # unchanged: skipped
    assert state[2] == state[1]


def test_a_corrupt_parquet_file_is_an_error_on_that_file_while_the_others_load(tmp_path):
    """Two files at a time: a file DuckDB cannot read as Parquet is reported on its own; the
    other files of the delivery load, and each file's result is returned."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from validators.spec.model import Column, Labels, Source

    (tmp_path / "p").mkdir()
    for year in (2019, 2020, 2021):
        pq.write_table(pa.table({"AÑO": [str(year)] * 10, "ID": [f"{year}-{i}" for i in range(10)]}),
                       tmp_path / "p" / f"f{year}.parquet")
    (tmp_path / "p" / "f2020.parquet").write_bytes(b"not parquet" * 10)
    source = Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="parquet",
                    path="p/*.parquet", period_column="year",
                    columns=[Column(source="AÑO", name="year", type="year"), Column(source="ID", name="id", type="string")])
    con = connect(tmp_path / "w.duckdb")
    loads = load_source(con, source, tmp_path, {}, "specs/sources/tiny.yaml", "h", "test-key")
    assert [(f.file, f.rows_loaded) for f in loads] == [("p/f2019.parquet", 10), ("p/f2020.parquet", 0),
                                                        ("p/f2021.parquet", 10)]
    assert loads[1].error == (f"f2020.parquet: cannot be read as Parquet: Invalid Input Error: No magic bytes found "
                              f"at end of file '{tmp_path / 'p' / 'f2020.parquet'}'")
    assert con.execute("SELECT file FROM load_log ORDER BY file").fetchall() == [("p/f2019.parquet",), ("p/f2021.parquet",)]
    con.close()


def test_each_file_loads_under_its_own_part_and_a_shared_part_still_finds_each_files_bad_rows(tmp_path, monkeypatch):
    """`_part` only lets the search for a file's rows skip the other files; the rows are matched by
    file name too, so parts that collided would change nothing but the time."""
    import warehouse.load as load_module
    from warehouse.samples.movements import write_movements

    write_movements(tmp_path / "landing" / "migraciones", rows=3_000, seed=11, start_year=2021, end_year=2023,
                    bad_row_share=0.01)
    state = {}
    for shared in (False, True):
        if shared:
            monkeypatch.setattr(load_module, "load_part", lambda rel, sha: 1)
        con, loads = _load_movements(tmp_path / f"w{shared}.duckdb", tmp_path / "landing")
        parts = con.execute("SELECT _file, count(DISTINCT _part), min(_part) FROM raw_migraciones_movements "
                            "GROUP BY _file ORDER BY _file").fetchall()
        state[shared] = ([(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in loads],
                         con.execute("SELECT * FROM quarantine ORDER BY file, row_number, \"column\"").fetchall(),
                         con.execute("SELECT * EXCLUDE (_part) FROM raw_migraciones_movements "
                                     "ORDER BY _file, _row").fetchall())
        con.close()
        assert len(parts) == 3 and all(n == 1 for _, n, _ in parts)  # one part per file
        assert len({p for *_, p in parts}) == (1 if shared else 3)
    assert sum(q for *_, q in state[False][0]) > 0
    assert state[True] == state[False]


def test_a_file_that_cannot_be_hashed_is_an_error_on_that_file_and_the_others_load(tmp_path, monkeypatch):
    """Hashed two at a time: a file that cannot be opened (no permission, gone since it was listed)
    is reported on its own with its cause, each such file, and its rows of an earlier load stay."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import warehouse.filehashes as hashes_module
    from validators.spec.model import Column, Labels, Source

    (tmp_path / "p").mkdir()
    for year in (2019, 2020, 2021, 2022):
        pq.write_table(pa.table({"AÑO": [str(year)] * 10, "ID": [f"{year}-{i}" for i in range(10)]}),
                       tmp_path / "p" / f"f{year}.parquet")
    source = Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="parquet",
                    path="p/*.parquet", period_column="year",
                    columns=[Column(source="AÑO", name="year", type="year"), Column(source="ID", name="id", type="string")])
    con = connect(tmp_path / "w.duckdb")
    assert [f.rows_loaded for f in load_source(con, source, tmp_path, {}, "specs/sources/tiny.yaml", "h", "k")] == [10] * 4
    causes = {"f2020.parquet": PermissionError(13, "Permission denied"),
              "f2022.parquet": FileNotFoundError(2, "No such file or directory")}
    sha = hashes_module.file_sha256

    def failing(path):
        if path.name in causes:
            raise causes[path.name]
        return sha(path)
    monkeypatch.setattr(hashes_module, "file_sha256", failing)
    stat = hashes_module.signature
    monkeypatch.setattr(hashes_module, "signature",  # f2022 vanishes after it was listed
                        lambda path: failing(path) if path.name == "f2022.parquet" else stat(path))
    for year in (2019, 2020, 2021, 2022):  # rewritten: hashed again
        pq.write_table(pa.table({"AÑO": [str(year)] * 5, "ID": [f"{year}-{i}" for i in range(5)]}),
                       tmp_path / "p" / f"f{year}.parquet")
    loads = load_source(con, source, tmp_path, {}, "specs/sources/tiny.yaml", "h", "k")
    assert [(f.file, f.rows_loaded) for f in loads] == [("p/f2019.parquet", 5), ("p/f2020.parquet", 0),
                                                        ("p/f2021.parquet", 5), ("p/f2022.parquet", 0)]
    assert [f.error for f in loads] == [
        None, "p/f2020.parquet: cannot be read (Permission denied); nothing was loaded from it", None,
        "p/f2022.parquet: cannot be read (No such file or directory); nothing was loaded from it"]
    assert con.execute("SELECT _file, count(*) FROM raw_tiny GROUP BY ALL ORDER BY 1").fetchall() == [
        ("p/f2019.parquet", 5), ("p/f2020.parquet", 10), ("p/f2021.parquet", 5), ("p/f2022.parquet", 10)]
    assert con.execute("SELECT count(*) FROM file_stat WHERE file IN ('p/f2020.parquet', 'p/f2022.parquet') "
                       "AND sha256 IS NOT NULL").fetchone()[0] == 2  # the earlier load's entries, not replaced
    con.close()
