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
    assert con.execute("SELECT * FROM _stage ORDER BY _row").fetchall() == [("2019", "CUSCO", 2), ("2020", None, 3)]
