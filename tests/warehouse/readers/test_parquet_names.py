"""Parquet staging keeps a column whose name holds a double quote (names are quoted into SQL)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from validators.spec.model import Column, Labels, Source
from warehouse.readers import stage_file


def test_a_parquet_column_named_with_a_double_quote_is_staged_as_text(tmp_path):
    path = tmp_path / "q.parquet"
    pq.write_table(pa.table({"AÑO": [2019, 2020], 'CIUDAD "natal"': ["CUSCO", None]}), path)
    source = Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="parquet",
                    path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")])
    con = duckdb.connect()
    staged = stage_file(con, path, source)
    assert staged.headers == ["AÑO", 'CIUDAD "natal"']
    assert con.execute("SELECT * EXCLUDE (_seq) FROM _stage ORDER BY _row").fetchall() == [("2019", "CUSCO", 2), ("2020", None, 3)]


def test_parquet_rows_keep_their_place_in_the_file_while_another_file_is_inserted_unordered(tmp_path):
    """Files load two at a time, each on its own cursor; one file's insert turns DuckDB's global
    preserve_insertion_order off (db.TYPED_ONCE) while the other is staged: each row still carries
    its own place in the file (header = 1, first row = 2), not the order it was written in."""
    from warehouse.db import TYPED_ONCE, scoped

    path = tmp_path / "many.parquet"
    pq.write_table(pa.table({"AÑO": ["2019"] * 20_000, "N": [str(i + 2) for i in range(20_000)]}), path,
                   row_group_size=500)  # forty row groups: read by several threads
    source = Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="parquet",
                    path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")])
    warehouse = duckdb.connect()
    staging, inserting = warehouse.cursor(), warehouse.cursor()
    with scoped(inserting, TYPED_ONCE):
        staged = stage_file(staging, path, source)
    assert staged.headers == ["AÑO", "N"] and staged.rows == 20_000
    assert staging.execute("SELECT count(*) FROM _stage WHERE CAST(c1 AS BIGINT) <> _row").fetchone() == (0,)


def test_a_parquet_column_named_file_row_number_is_an_extract_error_naming_the_fix(tmp_path):
    import pytest

    from warehouse.readers import ExtractError

    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"AÑO": ["2019"], "file_row_number": ["7"]}), path)
    source = Source(id="tiny", owner=Labels(en="Owner", es="Titular"), kind="microdata", format="parquet",
                    path="*", period_column="year", columns=[Column(source="AÑO", name="year", type="year")])
    with pytest.raises(ExtractError) as err:
        stage_file(duckdb.connect(), path, source)
    assert str(err.value) == ("n.parquet: a column is named file_row_number, the name the reader gives each row's "
                              "place in the file; rename that column in the extract")
