"""The synthetic Migraciones movement files: layout, determinism, volumes and injected defects."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from functools import cache
from pathlib import Path

import duckdb
import pytest
from ruamel.yaml import YAML

from warehouse.samples import movements as synth

ROWS = 20_000
SHARE = 0.005  # 100 bad rows: enough to see every kind
SPEC = Path(__file__).resolve().parents[3] / "specs" / "sources" / "migraciones-movements.yaml"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return synth.write_movements(tmp_path_factory.mktemp("mig"), ROWS, seed=7, bad_row_share=SHARE)


@pytest.fixture(scope="module")
def rows(files: list[Path]) -> list[list[str]]:
    """Every data line of every file, split on ';' (header lines left out)."""
    out = []
    for path in files:
        lines = path.read_bytes().decode(synth.ENCODING).split("\r\n")
        assert lines[0] == synth.HEADER and lines[-1] == ""
        out += [line.split(";") for line in lines[1:-1]]
    return out


@pytest.fixture(scope="module")
def spec() -> dict:
    return YAML(typ="safe").load(SPEC.read_text(encoding="utf-8"))


def _sha(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


@cache
def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def test_one_file_per_year(files: list[Path]) -> None:
    assert [p.name for p in files] == [f"movimientos_migratorios_{y}.csv" for y in range(2006, 2026)]


def test_deterministic_for_a_seed(files: list[Path], tmp_path: Path) -> None:
    again = synth.write_movements(tmp_path / "a", ROWS, seed=7, bad_row_share=SHARE, workers=1)
    assert _sha(again) == _sha(files)
    other = synth.write_movements(tmp_path / "b", ROWS, seed=8, bad_row_share=SHARE)
    assert _sha(other) != _sha(files)


def test_latin1_semicolon_crlf(files: list[Path]) -> None:
    data = b"".join(p.read_bytes() for p in files)
    assert "PERÚ".encode("latin-1") in data and "CHÁVEZ".encode("latin-1") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Latin-1 bytes, not UTF-8
    assert data.count(b"\n") == data.count(b"\r\n") == ROWS + len(files)
    separators = Counter(line.count(b";") for line in data.split(b"\r\n") if line)
    assert set(separators) == {10, 9}  # 11 fields; 10 in the injected short rows
    assert b'"' not in data and b"," not in data.split(b"\r\n")[0]


def test_row_count_and_unique_ids(rows: list[list[str]]) -> None:
    assert len(rows) == ROWS
    ids = [r[0] for r in rows]
    assert len(set(ids)) == ROWS and all(len(i) == 12 and i.isdigit() for i in ids)


def test_bad_rows_exact_share_and_every_kind(rows: list[list[str]]) -> None:
    kinds: Counter[str] = Counter()
    for r in rows:
        if len(r) != 11:
            kinds["missing_field"] += 1
        elif _date(r[1]) is None:
            kinds["bad_date"] += 1
        elif r[6] == synth.UNKNOWN_NATIONALITY:
            kinds["unknown_nationality"] += 1
        elif r[5] and _date(r[5]) > _date(r[1]):
            kinds["born_after_movement"] += 1
    assert sum(kinds.values()) == round(ROWS * SHARE)
    assert set(kinds) == set(synth.BAD_KINDS)


def test_default_share_is_small(tmp_path: Path) -> None:
    paths = synth.write_movements(tmp_path, 40_000, seed=1)
    lines = [l for p in paths for l in p.read_bytes().split(b"\r\n")[1:-1]]
    bad = sum(1 for l in lines if l.count(b";") != 10 or synth.UNKNOWN_NATIONALITY.encode() in l)
    assert 0 < bad <= round(40_000 * 0.0005)  # two of the four kinds are visible this way


def test_labels_are_in_the_source_spec(rows: list[list[str]], spec: dict) -> None:
    columns = {c["source"]: c for c in spec["columns"]}
    assert [c["source"] for c in spec["columns"]] == synth.HEADER.split(";")
    good = [r for r in rows if len(r) == 11]
    nationalities = {r[6] for r in good} - {synth.UNKNOWN_NATIONALITY}
    assert nationalities <= set(columns["NACIONALIDAD"]["recode"])
    assert {"PERÚ", "VENEZUELA", "APÁTRIDA"} <= nationalities
    for source, index in [("TIPO_MOVIMIENTO", 2), ("SEXO", 4), ("CALIDAD_MIGRATORIA", 7), ("OCUPACION", 8)]:
        assert {r[index] for r in good} - {""} == set(columns[source]["recode"]), source
    assert {r[9] for r in good} == {"PASAPORTE", "DNI", "CÉDULA", "CPP"}


def test_realistic_content(rows: list[list[str]]) -> None:
    good = [r for r in rows if len(r) == 11 and _date(r[1]) and _date(r[5])
            and _date(r[5]) <= _date(r[1]) and r[6] != synth.UNKNOWN_NATIONALITY]
    assert 0.40 < sum(r[6] == "PERÚ" for r in good) / len(good) < 0.50
    assert all(r[7] == "NACIONAL" for r in good if r[6] == "PERÚ")
    ages = [(_date(r[1]) - _date(r[5])).days / 365.25 for r in good]
    assert min(ages) >= 0 and max(ages) < 92
    children = [r for r, age in zip(good, ages) if age < 17.9]
    assert children and all(r[8] == "" for r in children)
    per_year = Counter(r[0][:4] for r in rows)
    assert per_year["2006"] < per_year["2019"] and per_year["2020"] < per_year["2019"] / 3
    assert per_year["2024"] > 3 * per_year["2021"]
    ven = Counter(r[0][:4] for r in good if r[6] == "VENEZUELA")
    assert ven["2018"] > 5 * ven["2015"]


def test_duckdb_reads_it(files: list[Path], rows: list[list[str]]) -> None:
    short = sum(1 for r in rows if len(r) != 11)
    con = duckdb.connect()
    names = [str(p) for p in files]
    n, occupations = con.execute(
        "SELECT count(*), list(DISTINCT OCUPACION) FROM read_csv(?, delim=';', encoding='latin-1', "
        "header=true, all_varchar=true, store_rejects=true)", [names]).fetchall()[0]
    assert n == ROWS - short
    assert con.execute("SELECT count(*) FROM reject_errors").fetchall() == [(short,)]
    assert "0 - OCUPACIONES MILITARES" in occupations  # the code stays text


def test_cli(tmp_path: Path) -> None:
    assert synth.main([str(tmp_path), "--rows", "500", "--seed", "3", "--start-year", "2019",
                       "--end-year", "2020"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "movimientos_migratorios_2019.csv", "movimientos_migratorios_2020.csv"]


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synth.write_movements(tmp_path, 10, start_year=2020, end_year=2019)
