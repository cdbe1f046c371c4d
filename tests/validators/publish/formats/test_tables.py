"""tables/<request-id>.csv and .parquet, written from a tiny table: the text a spreadsheet user reads
and the typed columns a program reads."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow.parquet as pq

from validators.publish.formats import csv, parquet, write_table


def deaths(index: list[int] | None = None) -> pd.DataFrame:
    """Three cells of a count table as the pipeline publishes it: a value, a withheld cell, a missing one."""
    return pd.DataFrame({"time_period": ["2021-01", "2021-01", "2021-01"], "sex": ["F", "M", "_T"],
                         "obs_value": [1050.0, float("nan"), float("nan")], "unit_measure": ["PS"] * 3,
                         "obs_status": ["A", "A", "M"], "conf_status": ["F", "C", "F"]}, index=index)


def test_a_csv_table_writes_counts_as_whole_numbers_and_no_value_where_withheld_or_missing(tmp_path):
    csv.write(deaths(), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == [
        "time_period,sex,obs_value,unit_measure,obs_status,conf_status",
        "2021-01,F,1050,PS,A,F",
        "2021-01,M,,PS,A,C",
        "2021-01,_T,,PS,M,F"]


def test_a_csv_amount_with_a_fraction_keeps_it_and_whole_amounts_beside_it_stay_decimal(tmp_path):
    table = pd.DataFrame({"time_period": ["2020", "2021"], "obs_value": [3587.25, 3592.0], "unit_measure": ["USD"] * 2})
    csv.write(table, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == [
        "time_period,obs_value,unit_measure", "2020,3587.25,USD", "2021,3592.0,USD"]


def test_a_csv_table_without_obs_value_is_written_as_it_is(tmp_path):
    csv.write(pd.DataFrame({"time_period": ["2021"], "sex": ["F"]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines() == ["time_period,sex", "2021,F"]


def whole_list(values: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in csv.whole_numbers(values)]


def test_whole_numbers_turns_counts_read_as_text_into_integers_with_empty_cells_missing():
    assert whole_list(pd.Series(["1050", "", "7"])) == [1050, None, 7]
    assert csv.whole_numbers(pd.Series(["1050", "", "7"])).dtype == "Int64"
    assert csv.whole_numbers(pd.Series([2.5, 3.0])).tolist() == [2.5, 3.0]


def test_csv_write_leaves_the_callers_table_unchanged(tmp_path):
    """write_table writes the Parquet from the same table after the CSV: it must get the table as built."""
    table = deaths()
    csv.write(table, tmp_path / "t.csv")
    assert table["obs_value"].dtype == "float64" and table["obs_value"].iloc[0] == 1050.0


def test_a_parquet_table_keeps_its_columns_and_types_and_no_row_labels(tmp_path):
    """A table filtered to some rows (index 3, 5, 8) is written without those labels as a column."""
    parquet.write(deaths([3, 5, 8]), tmp_path / "t.parquet")
    back = pq.read_table(tmp_path / "t.parquet")
    assert back.schema.names == ["time_period", "sex", "obs_value", "unit_measure", "obs_status", "conf_status"]
    assert str(back.schema.field("obs_value").type) == "double"
    values = back.column("obs_value").to_pylist()
    assert values[0] == 1050.0 and all(v is None or math.isnan(v) for v in values[1:])
    assert back.column("conf_status").to_pylist() == ["F", "C", "F"]
    assert list(pd.read_parquet(tmp_path / "t.parquet").index) == [0, 1, 2]


def test_write_table_writes_every_format_under_the_request_id_and_returns_their_paths(tmp_path):
    paths = write_table(tmp_path, "40f-covid-deaths", deaths([3, 5, 8]))
    assert paths == [tmp_path / "40f-covid-deaths.csv", tmp_path / "40f-covid-deaths.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["40f-covid-deaths.csv", "40f-covid-deaths.parquet"]
    assert (tmp_path / "40f-covid-deaths.csv").read_text().splitlines()[1] == "2021-01,F,1050,PS,A,F"
    assert pq.read_table(paths[1]).column("sex").to_pylist() == ["F", "M", "_T"]
