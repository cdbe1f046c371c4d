"""Every column type of a source spec, loaded from one small file: what is stored for a good cell,
and the rule and message a steward reads in the quarantine for a bad one (word for word)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.catalogue import real_catalogue
from validators.spec.model import Column, Labels, QuarantineBudget, Source
from warehouse.db import connect
from warehouse.load import load_source

CAT = real_catalogue()
SPEC = "specs/sources/tiny-types.yaml"
SOURCE = Source(
    id="tiny-types", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="csv", delimiter=";",
    path="tiny/*.csv", period_column="day", file_period=r"f_(?P<year>\d{4})\.csv", record_key=["day", "pid"],
    quarantine_budget=QuarantineBudget(share=0.9, reason="one planted bad cell per row"),
    columns=[
        Column(source="DIA", name="day", type="date", formats=["%d/%m/%Y"]),
        Column(source="MES", name="mon", type="month", nullable=True),
        Column(source="MESD", name="mon_day", type="month", formats=["%d/%m/%Y"], nullable=True),
        Column(source="ALTA", name="since", type="date", nullable=True),
        Column(source="ANIO", name="yr", type="year", nullable=True),
        Column(source="N", name="n", type="integer", suppressed=["<5", "n.d."], thousands=","),
        Column(source="TASA", name="rate", type="number", nullable=True),
        Column(source="EDAD", name="age", type="age", nullable=True),
        Column(source="SEXO", name="sex", type="code", codelist="sex", recode={"MUJ": "F"}, match_labels=["es"],
               if_empty="_U"),
        Column(source="TIPO", name="dir", type="code", codelist="direction", match_labels=["es"],
               recode={"Ingreso al Perú": "ENTRY"}, when={"FLAG": "X", "OK": "1"}, otherwise="_T"),
        Column(source="OBS", name="note", type="string", nullable=True),
        Column(source="ID", name="pid", type="string", personal="pseudonymise", nullable=True),
        Column(source="NOMBRE", name="name", type="string", personal="drop"),
    ])
HEADER = "DIA;MES;MESD;ALTA;ANIO;N;TASA;EDAD;SEXO;TIPO;FLAG;OK;OBS;ID;NOMBRE"
GOOD = ["15/03/2020", "2020-03", "15/03/2020", "2020-03-01", "2020", "1,282", "0.5", "34", "Mujer", "ENTRADA",
        "X", "1", "nota", "A1", "Ana"]
# row number -> (column, bad cell): each row is GOOD with one cell changed (and its own ID)
BAD = {
    6: ("DIA", "31/02/2020"), 7: ("DIA", "01/08/2021"), 8: ("DIA", "15/03/2019"), 9: ("DIA", "15/03/2021"),
    10: ("N", "1.5"), 11: ("TASA", "abc"), 12: ("ANIO", "20x0"), 13: ("ANIO", "1899"), 14: ("EDAD", "131"),
    15: ("EDAD", "4.5"), 16: ("SEXO", "XYZ"), 17: ("N", ""), 18: ("MES", "2020/05"), 19: ("ALTA", "01/09/2021"),
    20: ("TIPO", "OTRO"), 21: ("ID", "A1"),
}
NAMES = HEADER.split(";")


def _line(changes: dict[str, str], pid: str) -> str:
    cells = dict(zip(NAMES, GOOD)) | {"ID": pid} | changes
    return ";".join(cells[n] for n in NAMES)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    tmp = tmp_path_factory.mktemp("types")
    lines = [HEADER, _line({}, "A1"),
             _line({"MES": "", "MESD": "", "ALTA": "", "ANIO": "", "N": "<5", "TASA": "", "EDAD": "", "SEXO": "MUJ",
                    "FLAG": "Y", "OBS": ""}, "A2"),
             _line({"EDAD": "0", "SEXO": "", "TIPO": "SALIDA", "TASA": "1e3", "N": "12"}, "A3"),
             # the code itself, a recode written with an accent, a second suppression token, a year and a
             # date outside the file's period in columns that do not date the row
             _line({"SEXO": "F", "TIPO": "INGRESO AL PERU", "N": "n.d.", "ANIO": "2019", "ALTA": "2021-09-01"}, "A4")]
    lines += [_line({col: cell}, "A1" if col == "ID" else f"B{row}") for row, (col, cell) in BAD.items()]
    lines += [_line({"TIPO": "OTRO", "FLAG": "Y"}, "A22"), _line({"TIPO": "OTRO", "OK": "0"}, "A23")]
    folder = tmp / "landing" / "tiny"
    folder.mkdir(parents=True)
    (folder / "f_2020.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(tmp / "w.duckdb")
    (result,) = load_source(con, SOURCE, tmp / "landing", CAT.codelists, SPEC, "spec-hash", "k",
                            today=date(2021, 6, 30))
    assert result.error is None, result.error
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (22, 6, 16)
    yield con
    con.close()


def test_good_cells_are_stored_typed_recoded_and_flagged(loaded):
    rows = loaded.execute("SELECT _row, day, mon, mon_day, since, yr, n, n_flag, rate, age, sex, dir, note "
                          "FROM raw_tiny_types ORDER BY _row").fetchall()
    d, m, y = date(2020, 3, 15), date(2020, 3, 1), date(2020, 1, 1)
    assert rows == [
        (2, d, m, m, m, y, 1282, None, 0.5, 34, "F", "ENTRY", "nota"),
        (3, d, None, None, None, None, None, "<5", None, None, "F", "_T", None),
        (4, d, m, m, m, y, 12, None, 1000.0, 0, "_U", "EXIT", "nota"),
        (5, d, m, m, date(2021, 9, 1), date(2019, 1, 1), None, "n.d.", 0.5, 34, "F", "ENTRY", "nota"),
        (22, d, m, m, m, y, 1282, None, 0.5, 34, "F", "_T", "nota"),
        (23, d, m, m, m, y, 1282, None, 0.5, 34, "F", "_T", "nota"),
    ]


def test_the_raw_table_has_typed_columns_a_flag_per_suppressed_column_and_no_dropped_column(loaded):
    assert loaded.execute("SELECT column_name, column_type FROM (DESCRIBE raw_tiny_types)").fetchall() == [
        ("day", "DATE"), ("mon", "DATE"), ("mon_day", "DATE"), ("since", "DATE"), ("yr", "DATE"), ("n", "BIGINT"),
        ("rate", "DOUBLE"), ("age", "INTEGER"), ("sex", "VARCHAR"), ("dir", "VARCHAR"), ("note", "VARCHAR"),
        ("pid", "UHUGEINT"), ("n_flag", "VARCHAR"), ("_file", "VARCHAR"), ("_row", "BIGINT"), ("_part", "BIGINT")]


def test_each_bad_cell_is_quarantined_with_its_rule_and_message(loaded):
    got = loaded.execute('SELECT row_number, "column", value, rule, message FROM quarantine '
                         "WHERE source = 'tiny-types' ORDER BY row_number").fetchall()
    assert got == [
        (6, "DIA", "31/02/2020", "not_a_date", "'31/02/2020' in DIA is not a date in the format %d/%m/%Y"),
        (7, "DIA", "01/08/2021", "date_after_load", "'01/08/2021' in DIA is after the load date 2021-06-30"),
        (8, "DIA", "15/03/2019", "date_outside_file_period",
         "'15/03/2019' in DIA is outside 2020, the period the file name declares"),
        (9, "DIA", "15/03/2021", "date_outside_file_period",
         "'15/03/2021' in DIA is outside 2020, the period the file name declares"),
        (10, "N", "1.5", "not_an_integer", "'1.5' in N is not a whole number"),
        (11, "TASA", "abc", "not_a_number", "'abc' in TASA is not a number"),
        (12, "ANIO", "20x0", "not_a_year", "'20x0' in ANIO is not a year"),
        (13, "ANIO", "1899", "not_a_year", "'1899' in ANIO is not a year"),
        (14, "EDAD", "131", "age_out_of_range", "'131' in EDAD gives an age outside 0-130 years at "),
        (15, "EDAD", "4.5", "not_an_age", "'4.5' in EDAD is not an age in whole years"),
        (16, "SEXO", "XYZ", "unknown_label",
         f"'XYZ' in SEXO is not mapped to a code of 'sex'; add it to the recode of SEXO in {SPEC}"),
        (17, "N", None, "required", "N is empty and is required"),
        # a month column without formats is read as YYYY-MM, and the message says so
        (18, "MES", "2020/05", "not_a_date", "'2020/05' in MES is not a date in the format ISO (YYYY-MM)"),
        (19, "ALTA", "01/09/2021", "not_a_date", "'01/09/2021' in ALTA is not a date in the format ISO (YYYY-MM-DD)"),
        (20, "TIPO", "OTRO", "unknown_label",
         f"'OTRO' in TIPO is not mapped to a code of 'direction'; add it to the recode of TIPO in {SPEC}"),
        (21, "DIA, ID", None, "duplicate_record",
         "the record key (DIA, ID) repeats row 2; only the first occurrence is loaded"),
    ]


def test_a_cell_loses_the_spaces_around_it_exactly_as_trim_would_and_a_blank_is_null():
    """cell_text trims only cells that start or end with a space (trim copies every string); the
    result must be trim's own, tabs and inner spaces kept."""
    from warehouse.cellsql import cell_text

    cells = ["", " ", "   ", "a", " a", "a ", "  a  ", "\ta\t", " \ta", "á ", " a b ", None]
    got = duckdb.execute(f"SELECT {cell_text('v')}, nullif(trim(v), '') FROM (SELECT unnest(?) AS v)",
                         [cells]).fetchall()
    assert [a for a, _ in got] == [b for _, b in got]
    assert [a for a, _ in got] == [None, None, None, "a", "a", "a", "a", "\ta\t", "\ta", "á", "a b", None]


def test_a_cell_loses_every_character_trim_removes_not_only_the_ascii_space():
    """trim() also removes Unicode's other space separators (a no-break space from a spreadsheet,
    U+3000...): a cell that starts or ends with one is trimmed too, and one made of them is blank."""
    from warehouse.cellsql import cell_text

    zs = [" ", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200b)), "\u202f", "\u205f", "\u3000"]
    cells = [c + "a" for c in zs] + ["a" + c for c in zs] + [c for c in zs] + ["\u00a0 a b\u00a0", "é", "aé\u00a0"]
    got = duckdb.execute(f"SELECT {cell_text('v')}, nullif(trim(v), '') FROM (SELECT unnest(?) AS v)",
                         [cells]).fetchall()
    assert [a for a, _ in got] == [b for _, b in got]
    assert [a for a, _ in got] == ["a"] * (2 * len(zs)) + [None] * len(zs) + ["a b", "é", "aé"]


def test_a_number_ending_in_a_no_break_space_and_a_blank_of_no_break_spaces_load(tmp_path):
    """As they did with trim(): '1,282\\u00a0' is 1282, and an OBS of one no-break space is NULL."""
    folder = tmp_path / "landing" / "tiny"
    folder.mkdir(parents=True)
    lines = [HEADER, _line({"N": "1,282\u00a0", "OBS": "\u00a0"}, "A1"), _line({"TASA": "\u00a00.5"}, "A2")]
    (folder / "f_2020.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(tmp_path / "w.duckdb")
    (result,) = load_source(con, SOURCE, tmp_path / "landing", CAT.codelists, SPEC, "spec-hash", "k",
                            today=date(2021, 6, 30))
    assert (result.error, result.rows_read, result.rows_loaded, result.rows_quarantined) == (None, 2, 2, 0)
    assert con.execute("SELECT _row, n, note, rate FROM raw_tiny_types ORDER BY _row").fetchall() == [
        (2, 1282, None, 0.5), (3, 1282, "nota", 0.5)]
    con.close()


def test_a_cell_wrapped_in_any_space_trim_removes_is_trimmed_as_trim_would_and_a_no_break_space_alone_is_blank():
    """DuckDB's trim() removes every Unicode space separator (category Zs: U+00A0 no-break space,
    U+2000-U+200A, U+202F, U+205F, U+3000, U+1680), not only ' ': a cell of a no-break space (as
    spreadsheets export an empty cell) must stay blank, and ' 5' with a no-break space must stay 5."""
    from warehouse.cellsql import cell_text

    zs = ["\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000"]
    cells = [c for z in zs for c in (z, z + "5", "5" + z, z + " 5 " + z, " " + z, "é" + z, z + "é")]
    got = duckdb.execute(f"SELECT {cell_text('v')}, nullif(trim(v), '') FROM (SELECT unnest(?) AS v)",
                         [cells]).fetchall()
    assert [a for a, _ in got] == [b for _, b in got]
    assert duckdb.execute(f"SELECT {cell_text('v')} FROM (SELECT '\u00a0' AS v)").fetchone() == (None,)
