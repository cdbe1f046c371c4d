"""A source never disappears by accident, nothing outside the landing folder is read, a file that
changes while it loads is refused, the same content under two names is loaded once.

On the two real MINSA extracts (4,620 and 29,405 rows loaded); each refusal leaves the warehouse as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import warehouse.load as load_module
from tests.catalogue import real_catalogue
from validators.spec.lint import load_catalogue
from warehouse.db import connect
from warehouse.guards import LoadGuards, SourceRefused, removal_note, replacement_note
from warehouse.load import load_source

ROOT = Path(__file__).resolve().parents[2]
MINSA = ROOT / "warehouse" / "landing" / "minsa"
JUNE, SEPT = "minsa/fallecidos_covid_2020-06.csv", "minsa/fallecidos_covid_2020-09.csv"


@pytest.fixture
def minsa(tmp_path):
    cat = real_catalogue()
    landing = tmp_path / "landing"
    shutil.copytree(MINSA, landing / "minsa")
    con = connect(tmp_path / "w.duckdb")
    shown = cat.files[("sources", "minsa-covid-deaths")]

    def load(guards: LoadGuards = LoadGuards(), where: Path = landing):
        return load_source(con, cat.sources["minsa-covid-deaths"], where, cat.codelists, shown,
                           cat.hashes[shown], "test-key", guards)
    yield con, load, landing
    con.close()


def state(con) -> tuple:
    return (con.execute('SELECT count(*) FROM "raw_minsa_covid_deaths"').fetchone()[0],
            con.execute("SELECT file, sha256, rows_loaded FROM load_log ORDER BY file").fetchall())


def test_a_missing_landing_folder_changes_nothing(minsa, tmp_path):
    con, load, _ = minsa
    load()
    before = state(con)
    assert before[0] == 34025
    (result,) = load(where=tmp_path / "nowhere")
    assert result.error == (f"the landing folder {tmp_path / 'nowhere'} does not exist; nothing was changed. "
                            "Check --landing or LOIPR_LANDING")
    assert state(con) == before


def test_a_glob_matching_nothing_keeps_the_loaded_rows_unless_confirmed(minsa):
    con, load, landing = minsa
    load()
    before = state(con)
    shutil.rmtree(landing / "minsa")
    (landing / "minsa").mkdir()
    (result,) = load()
    assert result.error == (f"source minsa-covid-deaths: no file matches 'minsa/fallecidos_covid_*.csv' in {landing}, "
                            "which would remove 34,025 of its 34,025 loaded rows; nothing was changed. Restore the "
                            "file(s), or confirm the removal with --allow-shrink")
    assert state(con) == before
    (result,) = load(LoadGuards(allow_shrink=True))
    assert result.note == (f"no file matches 'minsa/fallecidos_covid_*.csv' in {landing}: 34,025 of 34,025 rows "
                           "removed, as confirmed with --allow-shrink")
    assert state(con) == (0, [])


def test_removing_most_rows_needs_confirmation_a_small_file_may_go(minsa):
    con, load, landing = minsa
    load()
    before = state(con)
    (landing / SEPT).unlink()  # 29,405 of 34,025 rows
    (result,) = load()
    assert "1 file(s) loaded before are gone" in result.error and "would remove 29,405 of its 34,025" in result.error
    assert state(con) == before
    shutil.copy(MINSA / Path(SEPT).name, landing / SEPT)
    (landing / JUNE).unlink()  # 4,620 of 34,025 rows: an ordinary withdrawal
    results = load()
    assert [r.file for r in results] == [SEPT] and results[0].skipped
    assert state(con)[0] == 29405


def test_a_file_rewritten_with_only_its_header_is_refused(minsa):
    con, load, landing = minsa
    load()
    before = state(con)
    header = (landing / JUNE).read_text(encoding="latin-1").splitlines()[0]
    (landing / JUNE).write_text(header + "\n", encoding="latin-1")
    june = next(r for r in load() if r.file == JUNE)
    assert june.error == (f"source minsa-covid-deaths: {JUNE} now has 0 rows where 4,620 were loaded (4,620 of the "
                          "source's 34,025 rows); nothing was changed. Check the delivery, or confirm with --allow-shrink")
    assert state(con) == before
    june = next(r for r in load(LoadGuards(allow_shrink=True)) if r.file == JUNE)
    assert june.note.endswith("replaced, as confirmed with --allow-shrink") and june.rows_read == 0
    assert state(con)[0] == 29405


def test_a_file_changed_while_loading_is_refused_and_the_old_rows_kept(minsa, monkeypatch):
    con, load, landing = minsa
    load()
    before = state(con)
    (landing / JUNE).write_bytes((landing / JUNE).read_bytes().replace(b",76,", b",77,", 1))  # a new delivery
    stage = load_module.stage_file

    def stage_then_rewrite(con_, path, source, alone):
        staged = stage(con_, path, source, alone)
        path.write_bytes(path.read_bytes()[:2000])  # the provider's copy is still being written
        return staged

    monkeypatch.setattr(load_module, "stage_file", stage_then_rewrite)
    june = next(r for r in load() if r.file == JUNE)
    assert june.error.startswith(f"{JUNE} changed while it was being loaded (sha256 ")
    assert june.error.endswith("nothing was loaded from it. Wait until the delivery is complete, then load again")
    assert state(con) == before


def test_the_same_content_under_two_names_is_loaded_once(minsa):
    con, load, landing = minsa
    shutil.copy(landing / JUNE, landing / "minsa" / "fallecidos_covid_2020-06b.csv")
    loads = load()
    # one result per file, in the files' order, the twin in its place (not ahead of the files loaded)
    assert [r.file for r in loads] == [JUNE, "minsa/fallecidos_covid_2020-06b.csv", SEPT]
    results = {r.file: r for r in loads}
    twin = results["minsa/fallecidos_covid_2020-06b.csv"]
    assert twin.note == ("minsa/fallecidos_covid_2020-06b.csv has the same content (sha256) as "
                         f"{JUNE}: loaded once, as {JUNE}; remove one of them")
    assert twin.rows_loaded == 0 and state(con)[0] == 34025


def test_a_symlink_is_refused_unless_allowed_and_never_to_outside(minsa, tmp_path):
    con, load, landing = minsa
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(landing / JUNE, outside)
    os.symlink(outside, landing / "minsa" / "fallecidos_covid_2099-01.csv")
    (result,) = load()
    assert result.error == ("path 'minsa/fallecidos_covid_*.csv': 'minsa/fallecidos_covid_2099-01.csv' resolves to "
                            f"{outside}, outside the landing folder {landing}; copy the extract into the landing "
                            "folder; nothing was changed")
    (result,) = load(LoadGuards(allow_symlinks=True))
    assert result.error and "outside the landing folder" in result.error
    (landing / "minsa" / "fallecidos_covid_2099-01.csv").unlink()
    os.symlink(landing / JUNE, landing / "minsa" / "fallecidos_covid_2099-01.csv")
    (result,) = load()
    assert result.error.endswith("'minsa/fallecidos_covid_2099-01.csv' is a symbolic link; copy the extract into "
                                 "the landing folder (or allow links: LOIPR_ALLOW_SYMLINKS=1); nothing was changed")
    assert con.execute("SELECT count(*) FROM load_log").fetchone()[0] == 0
    loaded = load(LoadGuards(allow_symlinks=True))
    assert [r.file for r in loaded if r.note] == ["minsa/fallecidos_covid_2099-01.csv"]  # same content as June


def test_a_when_key_that_is_not_a_header_is_an_extract_error(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    spec = specs / "sources" / "unodc-glotip.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("when: {Dimension: by form", "when: {Dimensión: by form"),
                    encoding="utf-8")
    cat, _ = load_catalogue(specs)
    landing = tmp_path / "landing"
    shutil.copytree(ROOT / "warehouse" / "landing" / "unodc", landing / "unodc")
    shown = cat.files[("sources", "unodc-glotip")]
    with connect(tmp_path / "w.duckdb") as con:
        (result,) = load_source(con, cat.sources["unodc-glotip"], landing, cat.codelists, shown, cat.hashes[shown], "k")
    assert result.error.startswith(f"unodc/{result.file.split('/')[-1]}: column 'Dimensión' not found; did you mean "
                                   "'Dimension'?; update the source spec specs/sources/unodc-glotip.yaml (the file has: ")


def test_a_rewritten_file_may_lose_up_to_half_of_the_sources_rows_without_confirmation():
    src = real_catalogue().sources["minsa-covid-deaths"]
    assert replacement_note(src, JUNE, 60, 50, 100, False) is None  # 10 of 100 rows: an ordinary correction
    assert replacement_note(src, JUNE, 60, 10, 100, False) is None  # exactly half
    with pytest.raises(SourceRefused) as refused:
        replacement_note(src, JUNE, 60, 9, 100, False)
    assert str(refused.value) == (f"source minsa-covid-deaths: {JUNE} now has 9 rows where 60 were loaded (51 of "
                                  "the source's 100 rows); nothing was changed. Check the delivery, or confirm with "
                                  "--allow-shrink")


def test_a_one_row_file_rewritten_empty_is_refused_and_an_empty_one_again_is_not():
    src = real_catalogue().sources["minsa-covid-deaths"]
    with pytest.raises(SourceRefused, match="now has 0 rows where 1 were loaded"):
        replacement_note(src, JUNE, 1, 0, 100, False)
    # withdrawn before with --allow-shrink (0 rows loaded), delivered empty again: nothing is lost
    assert replacement_note(src, JUNE, 0, 0, 100, False) is None


def test_files_gone_may_take_up_to_half_of_the_sources_rows_without_confirmation(tmp_path):
    src = real_catalogue().sources["minsa-covid-deaths"]
    assert removal_note(src, tmp_path, {"a.csv": 50, "b.csv": 50}, {"a.csv"}, False) is None
    with pytest.raises(SourceRefused, match="would remove 51 of its 100 loaded rows; nothing was changed"):
        removal_note(src, tmp_path, {"a.csv": 49, "b.csv": 51}, {"a.csv"}, False)
    assert removal_note(src, tmp_path, {"a.csv": 0}, set(), False) is None  # an empty file's going loses nothing
    many = {**{f"{i}.csv": 1 for i in range(5)}, "big.csv": 95}
    assert removal_note(src, tmp_path, many, {"big.csv"}, True) == (
        f"5 file(s) loaded before are gone from {tmp_path} (0.csv, 1.csv, 2.csv and 2 more): 5 of 100 rows "
        "removed, as confirmed with --allow-shrink")
    assert removal_note(src, tmp_path, many, {"big.csv", "0.csv", "1.csv", "2.csv"}, True) == (
        f"2 file(s) loaded before are gone from {tmp_path} (3.csv, 4.csv): 2 of 100 rows removed, as confirmed "
        "with --allow-shrink")


def test_a_file_rewritten_with_its_size_and_modification_time_kept_is_loaded_again(minsa):
    """A corrected extract copied with its old modification time (cp -p, touch -r, an archive's
    stored time) and the same size: its change time moved, so it is hashed again and replaces its rows."""
    con, load, landing = minsa
    load()
    path = landing / JUNE
    before = path.stat()
    text = path.read_bytes()
    first = text.index(b"\n") + 1  # the first data row, rewritten byte for byte at the same length
    row = text[first:text.index(b"\n", first)]
    path.write_bytes(text[:first] + row.replace(b"MASCULINO", b"FEMENINO\x20", 1) + text[first + len(row):])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    june = next(r for r in load() if r.file == JUNE)
    assert not june.skipped and june.error is None
    assert con.execute("SELECT sha256 FROM load_log WHERE file = ?", [JUNE]).fetchone() == (
        load_module.file_sha256(path),)
    assert con.execute("SELECT sex FROM raw_minsa_covid_deaths WHERE _file = ? AND _row = 2", [JUNE]).fetchone() == ("F",)
