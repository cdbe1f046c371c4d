"""The load guards' decisions and messages on their own (warehouse/guards.py, loadguards.py), word for
word: which files a source reads, when removing or rewriting files is refused, a file changed while
loading, the period a file name declares, the headers a file lacks. Loads end to end: test_guards.py
and test_source_guards.py."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from validators.spec.model import Source
from warehouse.guards import (
    SourceRefused,
    changed_meanwhile,
    duplicates,
    removal_note,
    replacement_note,
    source_files,
)
from warehouse.loadguards import FilePeriodMismatch, file_period, missing_headers, row_bounds

LANDING = Path("/landing")
PERIOD = r"_(?P<year>\d{4})(?:-(?P<month>\d{2}))?\.csv$"
KEEP = "; nothing was changed. Restore the file(s), or confirm the removal with --allow-shrink"


def source(**extra) -> Source:
    spec = {"id": "t", "owner": {"en": "x", "es": "x"}, "kind": "microdata", "format": "csv",
            "path": "t/*.csv", "period_column": "day", "columns": [{"source": "DAY", "name": "day", "type": "date"}]}
    return Source.model_validate({**spec, **extra})


def refused(call, *args) -> str:
    with pytest.raises(SourceRefused) as err:
        call(*args)
    return str(err.value)


def test_a_source_reads_its_matching_files_in_order_and_refuses_a_missing_landing_folder(tmp_path):
    assert refused(source_files, source(), tmp_path / "nope") == (
        f"the landing folder {tmp_path / 'nope'} does not exist; nothing was changed. Check --landing or LOIPR_LANDING")
    (tmp_path / "t").mkdir()
    for name in ("b.csv", "a.csv", "c.txt"):
        (tmp_path / "t" / name).write_text("x")
    assert source_files(source(), tmp_path) == [tmp_path / "t" / "a.csv", tmp_path / "t" / "b.csv"]


def test_a_linked_or_climbing_extract_is_refused_and_nothing_changes(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.csv").write_text("x")
    os.symlink(tmp_path / "t" / "a.csv", tmp_path / "t" / "l.csv")
    assert refused(source_files, source(), tmp_path) == (
        "path 't/*.csv': 't/l.csv' is a symbolic link; copy the extract into the landing folder (or allow links: "
        "LOIPR_ALLOW_SYMLINKS=1); nothing was changed")
    assert source_files(source(), tmp_path, True) == [tmp_path / "t" / "a.csv", tmp_path / "t" / "l.csv"]
    os.symlink(tmp_path / "t" / "a.csv", tmp_path / "t" / "m.csv")
    assert refused(source_files, source(), tmp_path) == (
        "path 't/*.csv': 't/l.csv' is a symbolic link; copy the extract into the landing folder (or allow links: "
        "LOIPR_ALLOW_SYMLINKS=1); 't/m.csv' is a symbolic link; copy the extract into the landing folder (or allow "
        "links: LOIPR_ALLOW_SYMLINKS=1); nothing was changed")
    assert refused(source_files, source(path="../t/*.csv"), tmp_path) == (
        "path '../t/*.csv': '../t/*.csv' climbs out of the landing folder with '..'; write it relative to the "
        "landing folder; nothing was changed")


def test_the_same_content_is_loaded_under_its_first_name_in_sort_order():
    assert duplicates({"b.csv": "h1", "a.csv": "h1", "c.csv": "h2", "d.csv": "h1", "e.csv": "h2"}) == {
        "b.csv": "a.csv", "d.csv": "a.csv", "e.csv": "c.csv"}
    assert duplicates({"a.csv": "h1", "b.csv": "h2"}) == {}


def test_files_gone_up_to_half_the_rows_are_let_go_more_is_refused_naming_three_files():
    assert removal_note(source(), LANDING, {"a": 10, "b": 0}, {"a"}, False) is None  # an empty file went
    assert removal_note(source(), LANDING, {"a": 5, "b": 5}, {"a"}, False) is None   # exactly half
    assert refused(removal_note, source(), LANDING, {"a": 4, "b": 5}, {"a"}, False) == (
        "source t: 1 file(s) loaded before are gone from /landing (b), which would remove 5 of its 9 loaded rows"
        + KEEP)
    three = {"a": 100, "b": 100, "c": 100, "d": 1}
    assert "(a, b, c), which would remove 300 of its 301" in refused(removal_note, source(), LANDING, three, {"d"}, False)
    four = {"a": 100, "b": 100, "c": 100, "d": 100, "e": 1}
    assert "(a, b, c and 1 more), which" in refused(removal_note, source(), LANDING, four, {"e"}, False)
    five = {"a": 1000, "b": 500, "c": 600, "d": 1, "e": 1}
    assert refused(removal_note, source(), LANDING, five, {"zz"}, False) == (
        "source t: 5 file(s) loaded before are gone from /landing (a, b, c and 2 more), which would remove 2,102 "
        "of its 2,102 loaded rows" + KEEP)


def test_a_confirmed_removal_is_noted_with_its_rows_and_an_empty_file_gone_is_not_noted():
    assert removal_note(source(), LANDING, {"a": 10, "b": 0}, {"a"}, True) is None
    assert removal_note(source(), LANDING, {"a": 1000, "b": 500, "c": 600}, {"a"}, True) == (
        "2 file(s) loaded before are gone from /landing (b, c): 1,100 of 2,100 rows removed, as confirmed with "
        "--allow-shrink")
    assert removal_note(source(), LANDING, {"a": 1000, "b": 500}, set(), True) == (
        "no file matches 't/*.csv' in /landing: 1,500 of 1,500 rows removed, as confirmed with --allow-shrink")


def test_a_source_whose_every_file_is_gone_is_refused_whatever_the_share():
    assert refused(removal_note, source(), LANDING, {"a": 1000, "b": 500}, set(), False) == (
        "source t: no file matches 't/*.csv' in /landing, which would remove 1,500 of its 1,500 loaded rows" + KEEP)
    assert refused(removal_note, source(), LANDING, {"a": 1}, set(), False).startswith("source t: no file matches")


def test_a_rewritten_file_emptied_or_losing_over_half_the_source_is_refused():
    assert replacement_note(source(), "f.csv", 2000, 1000, 5000, False) is None
    assert replacement_note(source(), "f.csv", 3000, 500, 5000, False) is None  # 2,500 of 5,000: exactly half
    assert replacement_note(source(), "f.csv", 3000, 3500, 5000, False) is None
    assert replacement_note(source(), "f.csv", 0, 0, 5000, False) is None  # an empty file again
    assert refused(replacement_note, source(), "f.csv", 1, 0, 5000, False) == (
        "source t: f.csv now has 0 rows where 1 were loaded (1 of the source's 5,000 rows); nothing was "
        "changed. Check the delivery, or confirm with --allow-shrink")
    assert refused(replacement_note, source(), "f.csv", 3000, 499, 5000, False) == (
        "source t: f.csv now has 499 rows where 3,000 were loaded (2,501 of the source's 5,000 rows); nothing was "
        "changed. Check the delivery, or confirm with --allow-shrink")
    assert refused(replacement_note, source(), "f.csv", 2000, 0, 5000, False) == (
        "source t: f.csv now has 0 rows where 2,000 were loaded (2,000 of the source's 5,000 rows); nothing was "
        "changed. Check the delivery, or confirm with --allow-shrink")
    assert replacement_note(source(), "f.csv", 2000, 0, 5000, True) == (
        "f.csv now has 0 rows where 2,000 were loaded (2,000 of the source's 5,000 rows): replaced, as confirmed "
        "with --allow-shrink")


def test_a_file_changed_while_loading_is_refused_with_both_short_hashes():
    assert changed_meanwhile("f.csv", "a" * 64, "a" * 64) is None
    assert refused(changed_meanwhile, "f.csv", "0123456789abcdef" * 4, "fedcba9876543210" * 4) == (
        "f.csv changed while it was being loaded (sha256 0123456789ab before, fedcba987654 after); nothing was "
        "loaded from it. Wait until the delivery is complete, then load again")


def test_the_period_a_file_name_declares_runs_from_its_first_to_its_last_day():
    spec = source(file_period=PERIOD)
    assert file_period(source(), "x_2024.csv") is None
    assert file_period(spec, "x_2024.csv") == (date(2024, 1, 1), date(2024, 12, 31), "2024")
    assert file_period(spec, "x_2024-02.csv") == (date(2024, 2, 1), date(2024, 2, 29), "2024-02")
    assert file_period(spec, "x_2023-02.csv") == (date(2023, 2, 1), date(2023, 2, 28), "2023-02")
    assert file_period(spec, "x_2023-12.csv") == (date(2023, 12, 1), date(2023, 12, 31), "2023-12")
    with pytest.raises(FilePeriodMismatch) as err:
        file_period(spec, "x.csv")
    assert str(err.value) == (f"x.csv: the name does not match file_period '{PERIOD}' of source 't'; rename the "
                              f"file or fix file_period")


def test_rows_are_bounded_by_the_load_date_today_unless_given_and_the_files_period():
    spec = source(file_period=PERIOD)
    bounds = row_bounds(spec, "x_2024-02.csv", date(2025, 1, 2))
    assert (bounds.load_date, bounds.period) == (date(2025, 1, 2), (date(2024, 2, 1), date(2024, 2, 29), "2024-02"))
    assert row_bounds(source(), "x.csv").load_date == date.today()
    assert row_bounds(source(), "x.csv").period is None


def test_every_missing_header_is_named_with_a_did_you_mean_and_the_files_headers():
    assert missing_headers("t/f.csv", ["ID", "DAY"], ["ID", "DAY", "X"], "s.yaml") is None
    assert missing_headers("t/f.csv", ["IDS", "DAY", "SEXO", "N"], ["ID", "DAY", "SEX"], "s.yaml") == (
        "t/f.csv: column 'IDS' not found; did you mean 'ID'?; column 'SEXO' not found; did you mean 'SEX'?; "
        "column 'N' not found; expected one of: DAY, ID, SEX; update the source spec s.yaml (the file has: ID, "
        "DAY, SEX)")
