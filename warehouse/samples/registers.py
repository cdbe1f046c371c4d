"""Generator primitives for the seeded synthetic registers: columns, extracts, value pools, writers.

An extract is declared as an ``Extract`` (in ``warehouse.samples.extracts``, which also holds the
command line): the owner's file name, encoding, separator, date format and its columns with Spanish
labels and shares. Rows are independent draws (no real person behind them). A few rows per file
carry one defect the owner's systems really produce: a label no recode covers (``BAD_LABEL``) or an
impossible date. Aggregate extracts (published tables) carry their own total rows (``TOTAL``), as
the owner publishes them.

Output is a pure function of (scale, seed): each (extract, year) has its own random stream.
This module imports nothing from the catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BAD_LABEL = "SIN DATO (ERR)"   # a label no recode covers: quarantined with its row number
BAD_DATE = "31/02/{year}"
BAD_SHARE = 0.002
YEARS = range(2015, 2026)

Choice = tuple[tuple[str, float], ...]
NATIONALITY: Choice = (("VENEZUELA", 78), ("COLOMBIA", 6), ("ECUADOR", 3), ("BOLIVIA", 2), ("HAITÍ", 1.5),
                       ("CHINA", 1.5), ("CUBA", 1.5), ("CHILE", 1), ("ESPAÑA", 1), ("ARGENTINA", 1),
                       ("ESTADOS UNIDOS DE AMÉRICA", 1), ("BRASIL", 1), ("NO ESPECIFICADO", 1.5))
SEX: Choice = (("MASCULINO", 52), ("FEMENINO", 48))
STATUS: Choice = (("RESIDENTE", 20), ("TEMPORAL", 10), ("HUMANITARIA", 8), ("CPP", 30),
                  ("SOLICITANTE DE REFUGIO", 12), ("REFUGIADO", 1), ("IRREGULAR", 19))
OCCUPATION: Choice = (("DIRECTORES Y GERENTES", 2), ("PROFESIONALES", 8), ("TÉCNICOS", 7), ("ADMINISTRATIVOS", 6),
                      ("SERVICIOS Y VENTAS", 30), ("AGRICULTURA", 8), ("OFICIOS", 12), ("OPERADORES", 7),
                      ("OCUPACIONES ELEMENTALES", 18), ("NO DECLARA", 2))


@dataclass(frozen=True)
class Col:
    header: str
    kind: str                      # choice | date | age | birthdate | serial | amount | const
    values: Choice = ()
    lo: int = 0
    hi: int = 0
    blank: float = 0.0             # share of cells legitimately left empty


@dataclass(frozen=True)
class Extract:
    owner_dir: str
    name: str                      # file name, {year} filled in
    per_year: int                  # rows per year at scale 1
    columns: tuple[Col, ...]
    encoding: str = "utf-8"
    delimiter: str = ","
    date_format: str = "%d/%m/%Y"
    years: range = YEARS
    bad_columns: tuple[str, ...] = ()   # coded columns that may carry BAD_LABEL
    growth: dict[int, float] = field(default_factory=dict)


def _choice(rng: np.random.Generator, values: Choice, n: int) -> np.ndarray:
    labels = np.array([v for v, _ in values], dtype=object)
    weights = np.array([w for _, w in values], dtype=float)
    return rng.choice(labels, size=n, p=weights / weights.sum())


def _dates(rng: np.random.Generator, year: int, n: int, fmt: str) -> list[str]:
    start = dt.date(year, 1, 1).toordinal()
    days = np.sort(rng.integers(0, 365, size=n))
    return [dt.date.fromordinal(start + int(d)).strftime(fmt) for d in days]


def column_values(rng: np.random.Generator, col: Col, year: int, n: int, fmt: str, prefix: str) -> list[str]:
    """One column of n synthetic cells, as text the owner would print."""
    if col.kind == "choice":
        out = list(_choice(rng, col.values, n))
    elif col.kind == "date":
        out = _dates(rng, year, n, fmt)
    elif col.kind == "age":
        out = [str(a) for a in rng.integers(col.lo, col.hi + 1, size=n)]
    elif col.kind == "birthdate":  # born in the year `age + 1` before the row's year: aged lo..hi+1 on its date
        ages = rng.integers(col.lo, col.hi + 1, size=n)
        days = rng.integers(0, 365, size=n)
        out = [(dt.date(year - int(a) - 1, 1, 1) + dt.timedelta(days=int(d))).strftime(fmt)
               for a, d in zip(ages, days)]
    elif col.kind == "amount":
        out = [f"{a:.2f}" for a in rng.gamma(2.0, col.hi / 2, size=n)]
    elif col.kind == "serial":
        out = [f"{prefix}-{year}-{i:06d}" for i in range(1, n + 1)]
    else:
        out = [col.values[0][0]] * n
    if col.blank:
        for i in np.flatnonzero(rng.random(n) < col.blank):
            out[i] = ""
    return out


def microdata_rows(ex: Extract, year: int, scale: float, seed: int) -> list[list[str]]:
    rng = np.random.default_rng([seed, year, sum(map(ord, ex.name))])
    n = max(1, round(ex.per_year * scale * ex.growth.get(year, 1.0)))
    cols = [column_values(rng, c, year, n, ex.date_format, ex.owner_dir.upper()) for c in ex.columns]
    rows = [list(r) for r in zip(*cols)]
    headers = [c.header for c in ex.columns]
    date_idx = next((i for i, c in enumerate(ex.columns) if c.kind == "date"), None)
    for i in np.flatnonzero(rng.random(n) < BAD_SHARE):
        if ex.bad_columns and (date_idx is None or rng.random() < 0.5):
            rows[i][headers.index(str(rng.choice(list(ex.bad_columns))))] = BAD_LABEL
        elif date_idx is not None:
            rows[i][date_idx] = BAD_DATE.format(year=year)
    return rows


def aggregate_rows(ex: Extract, year: int, scale: float, seed: int) -> list[list[str]]:
    """A published table: every combination of the coded columns, totals (TOTAL) included."""
    rng = np.random.default_rng([seed, year, sum(map(ord, ex.name))])
    coded = [c for c in ex.columns if c.kind == "choice"]
    cells: dict[tuple[str, ...], int] = {}
    for combo in itertools.product(*[[v for v, _ in c.values] for c in coded]):
        weight = np.prod([dict(c.values)[v] / sum(w for _, w in c.values) for c, v in zip(coded, combo)])
        cells[combo] = int(rng.poisson(ex.per_year * scale * ex.growth.get(year, 1.0) * weight))
    # totals over every subset of coded columns, as the owner's pivot table prints them
    for mask in itertools.product([False, True], repeat=len(coded)):
        if not any(mask):
            continue
        for combo, value in list(cells.items()):
            if "TOTAL" in combo:
                continue
            key = tuple("TOTAL" if m else v for m, v in zip(mask, combo))
            cells[key] = cells.get(key, 0) + value
    rows = []
    for combo, value in sorted(cells.items()):
        it = iter(combo)
        rows.append([str(year) if c.kind == "const" else (str(value) if c.kind == "amount" else next(it))
                     for c in ex.columns])
    return rows


def write_extract(ex: Extract, landing: Path, scale: float, seed: int) -> list[Path]:
    out_dir = landing / ex.owner_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    aggregate = not any(c.kind == "date" for c in ex.columns)
    for year in ex.years:
        rows = (aggregate_rows if aggregate else microdata_rows)(ex, year, scale, seed)
        path = out_dir / ex.name.format(year=year)
        with path.open("w", encoding=ex.encoding, newline="") as fh:
            w = csv.writer(fh, delimiter=ex.delimiter, lineterminator="\r\n" if ex.encoding == "latin-1" else "\n")
            w.writerow([c.header for c in ex.columns])
            w.writerows(rows)
        written.append(path)
    return written
