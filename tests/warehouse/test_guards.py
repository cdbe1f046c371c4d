"""Guardrails at load, each with its exact message: the budget, nothing loaded, exact values, dates
after the load date or outside the file's period, record_key duplicates, a missing header."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from validators.spec.model import Codelist, Source
from warehouse.db import connect
from warehouse.load import load_source

SPEC = "specs/sources/t.yaml"
SEX = Codelist.model_validate({"id": "sex", "name": {"en": "Sex", "es": "Sexo"}, "reference": "CL_SEX",
                               "codes": [{"code": "F", "en": "F", "es": "F"}, {"code": "M", "en": "M", "es": "M"}]})
TODAY = date(2025, 3, 1)


def source(**extra) -> Source:
    spec = {"id": "t", "owner": {"en": "x", "es": "x"}, "kind": "microdata", "format": "csv",
            "path": "t/*.csv", "period_column": "day", "record_key": ["id"],
            "quarantine_budget": {"share": 1.0, "reason": "small test files with planted bad rows"},
            "columns": [{"source": "ID", "name": "id", "type": "string"},
                        {"source": "DAY", "name": "day", "type": "date"},
                        {"source": "SEX", "name": "sex", "type": "code", "codelist": "sex"},
                        {"source": "AGE", "name": "age", "type": "age"},
                        {"source": "N", "name": "n", "type": "integer"}]}
    spec.update(extra)
    return Source.model_validate({k: v for k, v in spec.items() if v is not None})


def load(tmp_path: Path, lines: list[str], src: Source | None = None, name: str = "f.csv"):
    (tmp_path / "t").mkdir(parents=True, exist_ok=True)
    (tmp_path / "t" / name).write_text("\n".join(["ID,DAY,SEX,AGE,N", *lines]) + "\n")
    con = connect(tmp_path / "w.duckdb")
    (result,) = load_source(con, src or source(), tmp_path, {"sex": SEX}, SPEC, "h", "k", today=TODAY)
    quarantined = con.execute('SELECT row_number, "column", value, rule, message FROM quarantine '
                              'ORDER BY row_number, rule').fetchall()
    return con, result, quarantined


def test_a_value_that_is_not_exactly_whole_is_quarantined_never_rounded(tmp_path):
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1.234", "b,2024-01-01,F,45.6,1", "c,2024-01-01,M,45,12"])
    assert q == [(2, "N", "1.234", "not_an_integer", "'1.234' in N is not a whole number"),
                 (3, "AGE", "45.6", "not_an_age", "'45.6' in AGE is not an age in whole years")]
    assert con.execute("SELECT _row, age, n FROM raw_t").fetchall() == [(4, 45, 12)]


def test_a_file_whose_every_row_is_quarantined_loads_nothing_and_says_why(tmp_path):
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1.234", "b,2024-01-01,F,45.6,1"])
    assert (result.error_kind, result.error) == ("nothing_loaded", (
        "t/f.csv: no row loaded: all 2 rows were quarantined (not_an_age in AGE: 1 row from row 3; "
        "not_an_integer in N: 1 row from row 2). Check the file against the source spec specs/sources/t.yaml"))
    assert q == []  # the refused file leaves nothing behind: its one message is the finding


def test_a_file_whose_every_date_is_in_another_format_names_the_format_that_fits(tmp_path):
    con, result, q = load(tmp_path, ["a,16/01/2024,F,30,1", "b,17/01/2024,F,30,1"])
    assert result.error == ("t/f.csv: no row loaded: all 2 rows were quarantined (not_a_date in DAY: 2 rows from "
                            "row 2 (0 of the first 2 values match %Y-%m-%d; 2 match %d/%m/%Y)). Check the file "
                            "against the source spec specs/sources/t.yaml")


def test_a_date_after_the_load_date_is_quarantined(tmp_path):
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1", "b,2099-01-01,F,30,1"])
    assert q == [(3, "DAY", "2099-01-01", "date_after_load", "'2099-01-01' in DAY is after the load date 2025-03-01")]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)


def test_a_date_outside_the_period_the_file_name_declares_is_quarantined(tmp_path):
    src = source(file_period=r"_(?P<year>\d{4})\.csv$")
    con, result, q = load(tmp_path, ["a,2019-12-31,F,30,1", "b,2020-01-01,F,30,1"], src, name="f_2019.csv")
    assert q == [(3, "DAY", "2020-01-01", "date_outside_file_period",
                  "'2020-01-01' in DAY is outside 2019, the period the file name declares")]


def test_a_file_name_without_the_declared_period_is_refused(tmp_path):
    src = source(file_period=r"_(?P<year>\d{4})\.csv$")
    con, result, q = load(tmp_path, ["a,2019-12-31,F,30,1"], src, name="f.csv")
    assert result.error == (r"f.csv: the name does not match file_period '_(?P<year>\d{4})\.csv$' of source 't'; "
                            "rename the file or fix file_period")


def test_record_key_repeats_are_quarantined_naming_the_first_row(tmp_path):
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1", "b,2024-01-01,F,30,1", "x,bad,F,30,1",
                                     "a,2024-01-02,M,31,1", "x,2024-01-02,M,31,1", "a,2024-01-03,M,31,1"])
    assert q == [(4, "DAY", "bad", "not_a_date", "'bad' in DAY is not a date in the format ISO (YYYY-MM-DD)"),
                 (5, "ID", None, "duplicate_record", "the record key (ID) repeats row 2; only the first occurrence is loaded"),
                 (7, "ID", None, "duplicate_record", "the record key (ID) repeats row 2; only the first occurrence is loaded")]
    # the first clean occurrence of x (row 6) loads: row 4 was not a record
    assert [r for (r,) in con.execute("SELECT _row FROM raw_t ORDER BY _row").fetchall()] == [2, 3, 6]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == 6


def test_aggregate_sources_are_not_keyed_by_record_key(tmp_path):
    src = source(kind="aggregate", value_column="n")
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1", "a,2024-01-01,F,30,1"], src)
    assert q == [] and result.rows_loaded == 2


def test_over_the_budget_the_file_is_refused_whole_with_one_message(tmp_path):
    good = [f"{i},2024-01-{1 + i % 28:02d},F,30,1" for i in range(197)]
    at_budget = good + ["y,2024-01-01,MUJER,30,1", "z,x,F,30,1", "w,2024-01-01,F,30,1"]
    con, result, q = load(tmp_path, at_budget, source(quarantine_budget=None))
    assert (result.error, result.rows_loaded, result.rows_quarantined) == (None, 198, 2)  # 1.0% is within 1%
    con.close()
    con, result, q = load(tmp_path, good + ["y,2024-01-01,MUJER,30,1", "z,x,F,30,1", "w,x,F,30,1"],
                          source(quarantine_budget=None))
    assert result.error_kind == "quarantine_budget"
    assert result.error == (
        "t/f.csv: 3 of 200 rows (1.5%) quarantined, over the budget of 1.0% for source 't'; none of the "
        "file's rows is used. Causes: not_a_date in DAY: 2 rows from row 200; unknown_label in SEX: 1 row from "
        "row 199. Fix the source spec specs/sources/t.yaml (or, for a known defect of the delivery, set "
        "quarantine_budget there with its reason)")


def test_past_the_budget_nothing_of_the_file_stays_in_the_warehouse(tmp_path):
    good = [f"{i},2024-01-01,F,30,1" for i in range(99)]
    con, first, _ = load(tmp_path, good + ["y,2024-01-01,F,30,1"], source(quarantine_budget=None))
    assert first.error is None and first.rows_loaded == 100
    con.close()
    con, result, q = load(tmp_path, good + ["y,2024-01-01,MUJER,30,1", "z,2024-01-01,MUJER,30,1"],
                          source(quarantine_budget=None))
    assert result.error_kind == "quarantine_budget" and (result.rows_loaded, result.rows_quarantined) == (0, 2)
    assert result.error.startswith("t/f.csv: 2 of 101 rows (2.0%) quarantined, over the budget of 1.0%")
    assert "Causes: unknown_label in SEX: 2 rows from row 101" in result.error
    assert con.execute("SELECT count(*) FROM raw_t").fetchone()[0] == 0  # the earlier load's rows are gone too
    assert q == [] and con.execute("SELECT count(*) FROM load_log").fetchone()[0] == 0


def test_zero_rows_loaded_is_an_error(tmp_path):
    con, result, q = load(tmp_path, [])
    assert (result.error_kind, result.error) == (
        "nothing_loaded", "t/f.csv: no row loaded: the file holds no data row below its header. "
        "Check the file against the source spec specs/sources/t.yaml")


def test_a_header_not_renamed_is_named_with_a_did_you_mean(tmp_path):
    src = source(columns=[{"source": "IDS", "name": "id", "type": "string"},
                          {"source": "DAY", "name": "day", "type": "date"}])
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1"], src)
    assert result.error == ("t/f.csv: column 'IDS' not found; did you mean 'ID'?; update the source spec "
                            "specs/sources/t.yaml (the file has: ID, DAY, SEX, AGE, N)")


def test_a_filter_that_keeps_no_row_is_an_error(tmp_path):
    import shutil

    from validators.spec.lint import load_catalogue
    from warehouse.pipeline import filter_findings, load_one

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "specs", tmp_path / "specs")
    cat, _ = load_catalogue(tmp_path / "specs")
    column = "slice"  # 40h-police-complaints keeps some slices of the police file
    shutil.copytree(root / "warehouse" / "landing" / "mininter", tmp_path / "landing" / "mininter")
    load_one(tmp_path / "w.duckdb", cat, "mininter-trafficking", tmp_path / "landing", tmp_path / "key")
    assert filter_findings(tmp_path / "w.duckdb", cat, "40h-police-complaints") == []
    cat.requests["40h-police-complaints"] = cat.requests["40h-police-complaints"].model_copy(
        update={"filters": {column: "NO SUCH VALUE"}})
    (f,) = filter_findings(tmp_path / "w.duckdb", cat, "40h-police-complaints")
    assert (f.check, f.severity, f.spec) == ("filter_matches_nothing", "error", "40h-police-complaints")
    assert f.message == (f"the filter {column}: 'NO SUCH VALUE' keeps none of the 6,435 rows of source "
                         f"'mininter-trafficking'; check the value against the source (a table of zeros is not published)")


def test_over_the_budget_dates_in_another_format_name_the_format_that_fits(tmp_path):
    src = source(quarantine_budget=None, columns=[{"source": "ID", "name": "id", "type": "string"},
                                                  {"source": "DAY", "name": "day", "type": "date",
                                                   "formats": ["%Y-%m-%d", "%Y/%m/%d"]}])
    con, result, q = load(tmp_path, ["a,2024-01-15,F,30,1", "b,16/01/2024,F,30,1", "c,17/01/2024,F,30,1"], src)
    assert result.error_kind == "quarantine_budget"
    assert ("Causes: not_a_date in DAY: 2 rows from row 3 (1 of the first 3 values match %Y-%m-%d or %Y/%m/%d; "
            "2 match %d/%m/%Y). Fix the source spec") in result.error


def test_over_the_budget_a_month_column_without_formats_is_probed_against_year_month(tmp_path):
    src = source(quarantine_budget=None, columns=[{"source": "ID", "name": "id", "type": "string"},
                                                  {"source": "DAY", "name": "day", "type": "month"}])
    con, result, q = load(tmp_path, ["a,2024-01,F,30,1", "b,202402,F,30,1", "c,202403,F,30,1"], src)
    assert ("Causes: not_a_date in DAY: 2 rows from row 3 (1 of the first 3 values match %Y-%m; 2 match %Y%m)"
            in result.error)


def test_a_date_format_hint_is_given_only_for_a_date_column(tmp_path):
    # AGE holding dates is a wrong column, not a wrong date format: no strftime advice
    con, result, q = load(tmp_path, ["a,2024-01-15,F,2024-01-15,1", "b,2024-01-15,F,2024-01-16,1"],
                          source(quarantine_budget=None))
    assert "Causes: not_an_age in AGE: 2 rows from row 2. Fix the source spec" in result.error


def test_over_the_budget_unreadable_rows_are_named_without_a_column(tmp_path):
    con, result, q = load(tmp_path, ["a,2024-01-15,F,30,1", "b,2024-01-16,F,30,1,extra,fields",
                                     "c,2024-01-17,F,30,1,extra,fields"], source(quarantine_budget=None))
    assert result.error_kind == "quarantine_budget"
    assert "Causes: unreadable_row: 2 rows from row 3. Fix the source spec" in result.error


def test_a_date_before_the_files_period_or_after_the_load_date_within_it_is_quarantined(tmp_path):
    src = source(file_period=r"_(?P<year>\d{4})\.csv$")
    con, result, q = load(tmp_path / "a", ["a,2018-12-31,F,30,1", "b,2019-06-01,F,30,1"], src, name="f_2019.csv")
    assert q == [(2, "DAY", "2018-12-31", "date_outside_file_period",
                  "'2018-12-31' in DAY is outside 2019, the period the file name declares")]
    assert con.execute("SELECT _row FROM raw_t").fetchall() == [(3,)]
    con.close()
    # the file of the current year (load date 2025-03-01): a date in its period but not yet reached
    con, result, q = load(tmp_path / "b", ["c,2025-02-01,F,30,1", "d,2025-06-01,F,30,1"], src, name="f_2025.csv")
    assert q == [(3, "DAY", "2025-06-01", "date_after_load", "'2025-06-01' in DAY is after the load date 2025-03-01")]


def test_a_number_column_keeps_its_decimals_and_an_integer_its_whole_value(tmp_path):
    src = source(columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
                          {"source": "AGE", "name": "age", "type": "number"}, {"source": "N", "name": "n", "type": "integer"}])
    con, result, q = load(tmp_path, ["a,2024-01-01,F,45.6,12", "b,2024-01-01,F,0.004,-3", "c,2024-01-01,F,4x,1"], src)
    assert q == [(4, "AGE", "4x", "not_a_number", "'4x' in AGE is not a number")]
    assert con.execute("SELECT age, n FROM raw_t ORDER BY _row").fetchall() == [(45.6, 12), (0.004, -3)]


def test_a_declared_thousands_separator_is_removed_before_the_count_is_read(tmp_path):
    src = source(columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
                          {"source": "N", "name": "n", "type": "integer", "thousands": "."}])
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,1.234", "b,2024-01-01,F,30,12.345.678", "c,2024-01-01,F,30,7"], src)
    assert q == [] and [n for (n,) in con.execute("SELECT n FROM raw_t ORDER BY _row").fetchall()] == [1234, 12345678, 7]


def test_every_declared_suppression_token_is_kept_as_a_flag_not_quarantined(tmp_path):
    src = source(kind="aggregate", value_column="n", record_key=[], columns=[
        {"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
        {"source": "N", "name": "n", "type": "integer", "suppressed": ["<5", "*"], "suppressed_max": 4}])
    con, result, q = load(tmp_path, ["a,2024-01-01,F,30,<5", "b,2024-01-01,F,30,*", "c,2024-01-01,F,30,7"], src)
    assert q == [] and con.execute("SELECT n, n_flag FROM raw_t ORDER BY _row").fetchall() == [
        (None, "<5"), (None, "*"), (7, None)]


def test_a_month_column_stores_the_first_day_of_its_month(tmp_path):
    from datetime import date as day

    plain = source(columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "month"}])
    con, result, q = load(tmp_path / "a", ["a,2024-03,F,30,1", "b,2024-11,F,30,1"], plain)
    assert q == [] and con.execute("SELECT day FROM raw_t ORDER BY _row").fetchall() == [(day(2024, 3, 1),), (day(2024, 11, 1),)]
    con.close()
    dated = source(columns=[{"source": "ID", "name": "id", "type": "string"},
                            {"source": "DAY", "name": "day", "type": "month", "formats": ["%d/%m/%Y"]}])
    con, result, q = load(tmp_path / "b", ["a,15/03/2024,F,30,1"], dated)
    assert con.execute("SELECT day FROM raw_t").fetchall() == [(day(2024, 3, 1),)]


def test_only_the_period_column_is_bounded_by_the_files_period_and_the_load_date(tmp_path):
    src = source(file_period=r"_(?P<year>\d{4})\.csv$", columns=[
        {"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
        {"source": "SEX", "name": "registered", "type": "date"}, {"source": "N", "name": "since", "type": "year"}])
    con, result, q = load(tmp_path, ["a,2019-05-01,2030-01-01,30,2031"], src, name="f_2019.csv")
    assert q == [] and result.rows_loaded == 1


def test_a_year_period_column_is_checked_against_the_files_year_and_the_load_date(tmp_path):
    src = source(period_column="yr", file_period=r"_(?P<year>\d{4})\.csv$",
                 columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "yr", "type": "year"}])
    con, result, q = load(tmp_path / "a", ["a,2019,F,30,1", "b,2020,F,30,1", "c,20x9,F,30,1"], src, name="f_2019.csv")
    assert [(r, rule, m) for r, _, _, rule, m in q] == [
        (3, "date_outside_file_period", "'2020' in DAY is outside 2019, the period the file name declares"),
        (4, "not_a_year", "'20x9' in DAY is not a year")]
    con.close()
    con, result, q = load(tmp_path / "b", ["a,2026,F,30,1"], src, name="f_2026.csv")
    # a year not yet begun at the load date: every row of the file is quarantined, so it loads nothing
    assert (result.error_kind, result.error) == ("nothing_loaded", (
        "t/f_2026.csv: no row loaded: all 1 rows were quarantined (date_after_load in DAY: 1 row from row 2). "
        "Check the file against the source spec specs/sources/t.yaml"))


def test_an_age_from_a_birth_date_counts_completed_years_at_an_iso_date(tmp_path):
    src = source(columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
                          {"source": "AGE", "name": "age", "type": "age", "age_at": "day", "formats": ["%d/%m/%Y"]}])
    con, result, q = load(tmp_path, ["a,2024-06-14,F,15/06/1990,1", "b,2024-06-15,F,15/06/1990,1"], src)
    assert q == [] and con.execute("SELECT age FROM raw_t ORDER BY _row").fetchall() == [(33,), (34,)]


SEX_U = Codelist.model_validate({"id": "sex", "name": {"en": "Sex", "es": "Sexo"}, "reference": "CL_SEX",
                                 "codes": [{"code": c, "en": c, "es": c} for c in ("F", "M", "_T", "_U")]})


def load_sex(tmp_path: Path, lines: list[str], sex: dict) -> list[tuple]:
    (tmp_path / "t").mkdir(parents=True, exist_ok=True)
    (tmp_path / "t" / "f.csv").write_text("\n".join(["ID,DAY,SEX,AGE,N", *lines]) + "\n")
    src = source(columns=[{"source": "ID", "name": "id", "type": "string"}, {"source": "DAY", "name": "day", "type": "date"},
                          {"source": "SEX", "name": "sex", "type": "code", "codelist": "sex", **sex}])
    with connect(tmp_path / "w.duckdb") as con:
        (result,) = load_source(con, src, tmp_path, {"sex": SEX_U}, SPEC, "h", "k", today=TODAY)
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
        return con.execute("SELECT sex FROM raw_t ORDER BY _row").fetchall()


def test_an_empty_code_cell_takes_the_declared_unknown_code(tmp_path):
    assert load_sex(tmp_path, ["a,2024-01-01,,30,1", "b,2024-01-01,F,30,1"], {"if_empty": "_U"}) == [("_U",), ("F",)]


def test_a_code_read_only_when_other_columns_select_it_else_the_otherwise_code(tmp_path):
    rows = ["a,2024-01-01,F,30,1", "b,2024-01-01,M,31,1", "c,2024-01-01,bad,30,2", "d,2024-01-01,M,30,1"]
    assert load_sex(tmp_path, rows, {"when": {"AGE": "30", "N": "1"}, "otherwise": "_T"}) == [
        ("F",), ("_T",), ("_T",), ("M",)]  # 'bad' is not read: its row is not selected


def test_a_file_rewritten_after_it_was_hashed_is_refused_and_nothing_is_loaded(tmp_path):
    """The load hashes a file once and trusts its signature (size, times, inode) until staged: a
    rewrite in between changes the change time, so the file is hashed again and refused."""
    import pytest

    from warehouse.guards import SourceRefused
    from warehouse.load import file_sha256, load_file, signature

    path = tmp_path / "t" / "f.csv"
    path.parent.mkdir()
    path.write_text("ID,DAY,SEX,AGE,N\na,2024-01-01,F,30,1\n")
    sha, sig = file_sha256(path), signature(path)
    path.write_text("ID,DAY,SEX,AGE,N\nb,2024-01-02,M,31,2\n")  # same size, new content
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(SourceRefused) as err:
        load_file(con, source(), path, "t/f.csv", {"sex": SEX}, SPEC, "h", "k", sha, today=TODAY, hashed_at=sig)
    assert str(err.value) == (f"t/f.csv changed while it was being loaded (sha256 {sha[:12]} before, "
                              f"{file_sha256(path)[:12]} after); nothing was loaded from it. Wait until the "
                              f"delivery is complete, then load again")
    assert con.execute("SELECT count(*) FROM load_log").fetchone() == (0,)


def test_blank_record_keys_are_no_record_so_never_duplicates_whether_pseudonymised_or_not(tmp_path):
    """A blank key identifies no one (a blank identifier gets no pseudonym): two rows with a blank
    nullable key are two records, as for a key kept in clear; a key written twice is still one."""
    lines = [",2024-01-01,F,30,1", ",2024-01-02,M,31,2", "a,2024-01-01,F,30,1", "a,2024-01-03,F,30,1"]
    for personal in ("pseudonymise", None):
        key = {"source": "ID", "name": "id", "type": "string", "nullable": True} | (
            {"personal": personal} if personal else {})
        columns = [key, {"source": "DAY", "name": "day", "type": "date"},
                   {"source": "SEX", "name": "sex", "type": "code", "codelist": "sex"},
                   {"source": "AGE", "name": "age", "type": "age"}, {"source": "N", "name": "n", "type": "integer"}]
        con, result, q = load(tmp_path / str(personal), lines, source(columns=columns))
        assert q == [(5, "ID", None, "duplicate_record",
                      "the record key (ID) repeats row 4; only the first occurrence is loaded")], personal
        assert [r for (r,) in con.execute("SELECT _row FROM raw_t ORDER BY _row").fetchall()] == [2, 3, 4]
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
        con.close()
