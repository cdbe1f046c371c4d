"""Trafficking keeps one code across the Penal Code renumbering (arts. 153/153-A -> 129-A/129-B).

Loads the real Public Ministry file (MPFN 'delitos denunciados', Lambayeque 2019-2023).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalogue import real_catalogue
from warehouse.db import connect
from warehouse.load import load_source

ROOT = Path(__file__).resolve().parents[2]
MPFN = ROOT / "warehouse" / "landing" / "mpfn" / "mpfn_delitos_denunciados_lambayeque_2019_2023.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mpfn")
    cat = real_catalogue()
    landing = tmp / "landing"
    (landing / "mpfn").mkdir(parents=True)
    shutil.copy(MPFN, landing / "mpfn" / MPFN.name)
    shown = cat.files[("sources", "mpfn-crimes")]
    con = connect(tmp / "w.duckdb")
    (result,) = load_source(con, cat.sources["mpfn-crimes"], landing, cat.codelists, shown,
                            cat.hashes[shown], "test-key")
    yield con, result
    con.close()


def codes(con, year: int, articles: list[str]) -> dict[str, set[str]]:
    rows = con.execute("SELECT article, offence FROM raw_mpfn_crimes WHERE year = make_date($y, 1, 1) "
                       "AND list_contains($a, article)", {"y": year, "a": articles}).fetchall()
    out: dict[str, set[str]] = {}
    for article, offence in rows:
        out.setdefault(article, set()).add(offence)
    return out


def test_every_row_of_the_real_file_is_loaded(loaded):
    _, result = loaded
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1723, 1723, 0)


def test_2022_article_153_and_2023_article_129a_share_one_code(loaded):
    con, _ = loaded
    assert codes(con, 2022, ["153", "153-A"]) == {"153": {"TIP"}, "153-A": {"TIP"}}
    assert codes(con, 2023, ["129-A", "129-B"]) == {"129-A": {"TIP"}, "129-B": {"TIP"}}
    # the old numbers are gone from the 2023 release: without the mapping the series would break
    assert codes(con, 2023, ["153", "153-A"]) == {}


def test_trafficking_series_continues_across_the_renumbering(loaded):
    con, _ = loaded
    per_year = dict(con.execute("SELECT year(year), sum(complaints) FROM raw_mpfn_crimes WHERE offence = 'TIP' "
                                "GROUP BY 1 ORDER BY 1").fetchall())
    assert set(per_year) == {2019, 2020, 2021, 2022, 2023} and all(v > 0 for v in per_year.values())


def test_neighbouring_articles_are_not_trafficking(loaded):
    con, _ = loaded
    # art. 129 alone is exposure to danger; 129-C.. are exploitation offences; 303-A/B smuggling
    assert codes(con, 2023, ["129", "129-C", "303-B"]) == {"129": {"OTH"}, "129-C": {"EXP"}, "303-B": {"SOM"}}
    assert codes(con, 2022, ["153-B", "303-A"]) == {"153-B": {"EXP"}, "303-A": {"SOM"}}
