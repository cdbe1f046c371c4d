"""group_small: rare codes are published together as _O, decided over the whole source, and every
figure is still what a reviewer recomputes from the raw rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from validators.spec.lint import load_catalogue
from warehouse.cube import build_cube
from warehouse.db import connect
from warehouse.load import load_source
from warehouse.samples.movements import write_movements

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = date(2025, 12, 31)
BELOW = 60


def _loaded(tmp_path: Path):
    cat, _ = load_catalogue(ROOT / "specs")
    landing = tmp_path / "landing"
    write_movements(landing / "migraciones", rows=3000, seed=11, start_year=2021, end_year=2025)
    con = connect(tmp_path / "w.duckdb")
    source = cat.sources["migraciones-movements"]
    shown = cat.files[("sources", source.id)]
    load_source(con, source, landing, cat.codelists, shown, cat.hashes[shown], "k", today=date(2026, 2, 1))
    return cat, con


def _built(con, cat, request_id: str, below: int | None):
    req = cat.requests[request_id]
    req = req.model_copy(update={"group_small": {"nationality": below} if below else {}})
    info = build_cube(con, req, cat.sources[req.source], cat.codelists, REFERENCE)
    return info, con.execute(f"SELECT * FROM {info.table}").df()


def test_rare_nationalities_are_summed_into_other_and_the_rest_is_unchanged(tmp_path):
    cat, con = _loaded(tmp_path)
    per_code = dict(con.execute("SELECT nationality, count(*) FROM raw_migraciones_movements "
                                "WHERE movement_date <= DATE '2025-12-31' GROUP BY 1").fetchall())
    rare = sorted(c for c, n in per_code.items() if n < BELOW and c != "_U")
    assert 3 <= len(rare) < len(per_code) - 3  # the fixture has rare and common codes

    info, grouped = _built(con, cat, "40a-movements", BELOW)
    _, plain = _built(con, cat, "40a-movements", None)
    assert info.grouped == {"nationality": rare}
    assert not set(rare) & set(grouped["nationality"])
    keys = ["time_period", "direction", "sex", "age"]
    other = grouped[grouped["nationality"] == "_O"].set_index(keys)["obs_value"]
    summed = plain[plain["nationality"].isin(rare)].groupby(keys)["obs_value"].sum()
    pd.testing.assert_series_equal(other.sort_index(), summed.reindex(other.index).sort_index(), check_names=False)
    kept = grouped[~grouped["nationality"].isin(["_O"])]
    pd.testing.assert_frame_equal(kept.reset_index(drop=True),
                                  plain[~plain["nationality"].isin(rare)].reset_index(drop=True))


def test_other_is_recomputed_from_the_raw_rows_in_every_year(tmp_path):
    cat, con = _loaded(tmp_path)
    info, table = _built(con, cat, "40a-movements", BELOW)
    codes = info.grouped["nationality"]
    raw = con.execute("SELECT strftime(movement_date, '%Y') AS y, count(*) FROM raw_migraciones_movements "
                      f"WHERE nationality IN ({', '.join('?' for _ in codes)}) GROUP BY 1", codes).fetchall()
    cells = table[(table["nationality"] == "_O") & (table[["direction", "sex", "age"]] == "_T").all(axis=1)]
    assert dict(zip(cells["time_period"], cells["obs_value"])) == {y: n for y, n in raw if y in set(cells["time_period"])}


def test_every_table_of_the_source_groups_the_same_codes_whatever_its_period_or_filters(tmp_path):
    """04-returns keeps Peruvian entries since 2015: its rows are not what decides what is rare."""
    cat, con = _loaded(tmp_path)
    found = {rid: _built(con, cat, rid, BELOW)[0].grouped for rid in ("40a-movements", "04-labour-movements", "04-returns")}
    assert found["40a-movements"] == found["04-labour-movements"] == found["04-returns"]


def test_a_filter_on_a_grouped_code_fails_the_request_with_the_fix(tmp_path):
    cat, con = _loaded(tmp_path)
    rare = _built(con, cat, "40a-movements", BELOW)[0].grouped["nationality"][0]
    req = cat.requests["40a-movements"].model_copy(update={"group_small": {"nationality": BELOW},
                                                           "filters": {"nationality": rare}})
    info = build_cube(con, req, cat.sources[req.source], cat.codelists, REFERENCE)
    message = (f"filters.nationality keeps '{rare}', which has fewer than {BELOW} records in the source and is "
               f"published within '_O': lower group_small.nationality in specs/requests/40a-movements.yaml below "
               f"its count, or remove the filter")
    assert [(f.check, f.severity, f.message) for f in info.findings] == [("grouped_filter", "error", message)]
