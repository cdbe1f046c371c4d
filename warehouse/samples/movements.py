"""Seeded synthetic border-movement microdata, as Peru's Migraciones would deliver it (messy).

One file per year, ``movimientos_migratorios_<YYYY>.csv``: Latin-1, ``;`` separator, CRLF line
endings, no quoting, dates ``dd/mm/yyyy``, a header line of Spanish names (see ``HEADER``).
Rows are sorted by movement date within a file; ``ID_MOVIMIENTO`` is ``<YYYY><8-digit sequence>``.
Rows are independent draws (no person linkage: a document number that recurs does so by chance).

Legitimate mess (not counted as bad rows): SEXO blank (0.2 %), FECHA_NACIMIENTO blank (0.1 %),
OCUPACION blank for every child under 18 and some adults, 'APÁTRIDA' and 'NO ESPECIFICADO'
nationalities, DNI numbers with leading zeros.

Bad rows: exactly ``round(rows * bad_row_share)`` rows, spread over years in proportion to
their volume, chosen with the seed. Each bad row has exactly one defect, of one of four kinds
drawn with equal probability:

1. ``bad_date``: FECHA_MOVIMIENTO is unparseable, either an impossible day of the file's year
   ('31/02/2019', '30/02', '31/04', '31/06', '31/09', '31/11') or year-first with month 13
   ('2019-13-01').
2. ``unknown_nationality``: NACIONALIDAD is 'KRYPTON'.
3. ``missing_field``: one field other than ID_MOVIMIENTO is left out, so the line has 10 fields
   (one ';' fewer).
4. ``born_after_movement``: FECHA_NACIMIENTO is 1 to 3650 days after FECHA_MOVIMIENTO.

Output is a pure function of (rows, seed, start_year, end_year, bad_row_share): every
(year, chunk) has its own random stream. Generated in chunks of ``CHUNK`` rows with numpy and
pyarrow binary kernels, so memory stays flat whatever the volume.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HEADER = ("ID_MOVIMIENTO;FECHA_MOVIMIENTO;TIPO_MOVIMIENTO;PUESTO_CONTROL;SEXO;FECHA_NACIMIENTO;"
          "NACIONALIDAD;CALIDAD_MIGRATORIA;OCUPACION;TIPO_DOCUMENTO;NUMERO_DOCUMENTO")
CHUNK = 500_000
ENCODING = "latin-1"
BAD_KINDS = ("bad_date", "unknown_nationality", "missing_field", "born_after_movement")
UNKNOWN_NATIONALITY = "KRYPTON"

# Movements per year, in millions (shape only: scaled so that the years sum to `rows`).
VOLUME = {2006: 4.0, 2007: 4.4, 2008: 4.9, 2009: 5.0, 2010: 5.6, 2011: 6.2, 2012: 6.8,
          2013: 7.3, 2014: 7.8, 2015: 8.4, 2016: 9.0, 2017: 10.2, 2018: 11.6, 2019: 11.3,
          2020: 2.6, 2021: 2.2, 2022: 7.0, 2023: 9.3, 2024: 10.4, 2025: 10.9}
MONTHS = np.array([1.15, 1.05, 0.9, 0.9, 0.85, 0.9, 1.1, 1.1, 0.9, 0.95, 0.95, 1.25])
COVID = {2020: [1, 1, .45, .02, .02, .02, .03, .05, .08, .15, .25, .35],
         2021: [.45, .3, .3, .3, .35, .4, .5, .6, .65, .75, .85, 1.0]}

# (label as printed, share of non-Peruvian, non-Venezuelan movements in %, group)
# groups: P Peru, V Venezuela, C Chile, B Bolivia, E Ecuador, R Brazil, K Colombia,
#         N other neighbour (identity card accepted), A asylum-prone, O other.
NATIONALITIES: list[tuple[str, float, str]] = [
    ("PERÚ", 0, "P"), ("VENEZUELA", 0, "V"), ("CHILE", 22, "C"), ("ECUADOR", 9, "E"),
    ("COLOMBIA", 6.5, "K"), ("BOLIVIA", 7.5, "B"), ("ESTADOS UNIDOS DE AMÉRICA", 9.5, "O"),
    ("ARGENTINA", 4.5, "N"), ("BRASIL", 3.6, "R"), ("ESPAÑA", 3.6, "O"), ("MÉXICO", 2.4, "O"),
    ("CHINA", 1.5, "O"), ("CANADÁ", 1.5, "O"), ("FRANCIA", 1.7, "O"), ("ALEMANIA", 1.5, "O"),
    ("ITALIA", 0.9, "O"), ("REINO UNIDO", 1.3, "O"), ("JAPÓN", 0.75, "O"),
    ("COREA DEL SUR", 0.65, "O"), ("INDIA", 0.45, "O"), ("CUBA", 0.55, "A"), ("HAITÍ", 0.3, "A"),
    ("REPÚBLICA DOMINICANA", 0.3, "A"), ("PARAGUAY", 0.35, "N"), ("URUGUAY", 0.35, "N"),
    ("PANAMÁ", 0.35, "O"), ("COSTA RICA", 0.3, "O"), ("GUATEMALA", 0.15, "O"),
    ("HONDURAS", 0.11, "O"), ("EL SALVADOR", 0.11, "O"), ("NICARAGUA", 0.08, "A"),
    ("PAÍSES BAJOS", 0.45, "O"), ("SUIZA", 0.45, "O"), ("BÉLGICA", 0.28, "O"),
    ("PORTUGAL", 0.18, "O"), ("RUSIA", 0.22, "O"), ("AUSTRALIA", 0.65, "O"), ("ISRAEL", 0.55, "O"),
    ("FILIPINAS", 0.07, "O"), ("NIGERIA", 0.04, "A"), ("SENEGAL", 0.04, "A"),
    ("APÁTRIDA", 0.01, "A"), ("NO ESPECIFICADO", 0.04, "O"),
]
GROUPS = "PVCBERKNAO"
VEN_SHARE = {2017: 8, 2018: 18, 2019: 12, 2020: 6, 2021: 7, 2022: 6, 2023: 5, 2024: 4.5}

POSTS = ["AEROPUERTO INTERNACIONAL JORGE CHÁVEZ - CALLAO", "CEBAF TUMBES", "SANTA ROSA - TACNA",
         "DESAGUADERO - PUNO", "KASANI - PUNO", "IÑAPARI - MADRE DE DIOS", "LA TINA - PIURA",
         "AEROPUERTO INTERNACIONAL ALEJANDRO VELASCO ASTETE - CUSCO",
         "AEROPUERTO INTERNACIONAL RODRÍGUEZ BALLÓN - AREQUIPA", "TERMINAL PORTUARIO DEL CALLAO",
         "SANTA ROSA - LORETO", "AEROPUERTO INTERNACIONAL FRANCISCO SECADA VIGNETTA - IQUITOS"]
POST_WEIGHTS = {  # by nationality group, in POSTS order
    "P": [55, 3, 30, 4, 1.5, .3, 1.5, 1.5, 1.5, .2, .3, .2],
    "V": [25, 64, 3, 1, .5, .2, 5.5, .3, .3, .1, .1, .1],
    "C": [20, 1, 75, 1, .5, .1, .2, 1, 1, .5, .1, .1],
    "B": [22, .5, 5, 50, 19, 1.5, .1, 1, .5, .1, .1, .1],
    "E": [25, 60, 1, .5, .2, .1, 12, .5, .3, .1, .2, .1],
    "R": [70, .5, 2, 3, 1, 15, .2, 4, 1, 1, 1.5, 1],
    "K": [60, 28, 2, 1, .5, .2, 5, 1, .5, .5, 1, .5],
}
POST_WEIGHTS.update({g: [88, 1, 2, 1.5, 1, .3, .5, 3, 1, 1, .3, .4] for g in "NAO"})

STATUSES = ["TURISTA", "RESIDENTE", "TRABAJADOR", "HUMANITARIA", "CPP",
            "SOLICITANTE DE REFUGIO", "REFUGIADO", "IRREGULAR", "NACIONAL"]
OCCUPATIONS = ["0 - OCUPACIONES MILITARES", "1 - DIRECTORES Y GERENTES",
               "2 - PROFESIONALES CIENTÍFICOS E INTELECTUALES",
               "3 - TÉCNICOS Y PROFESIONALES DE NIVEL MEDIO", "4 - PERSONAL DE APOYO ADMINISTRATIVO",
               "5 - TRABAJADORES DE LOS SERVICIOS Y VENDEDORES DE COMERCIOS Y MERCADOS",
               "6 - AGRICULTORES Y TRABAJADORES CALIFICADOS AGROPECUARIOS, FORESTALES Y PESQUEROS",
               "7 - OFICIALES, OPERARIOS Y ARTESANOS DE ARTES MECÁNICAS Y DE OTROS OFICIOS",
               "8 - OPERADORES DE INSTALACIONES Y MÁQUINAS Y ENSAMBLADORES",
               "9 - OCUPACIONES ELEMENTALES", ""]
VEN_STATUS = {0: [85, 8, 5, 0, 0, 1, .3, .5, 0], 2017: [70, 10, 5, 0, 0, 12, .5, 1.5, 0],  # from year
              2019: [45, 10, 3, 25, 0, 15, .5, 2, 0], 2021: [30, 15, 3, 12, 30, 8, 1, 1, 0]}
OCC_WEIGHTS = np.array([.5, 8, 22, 14, 9, 17, 3, 10, 6, 10.5]) / 100
DOC_TYPES = ["PASAPORTE", "DNI", "CÉDULA", "CPP"]
DOC_LEN = np.array([9, 8, 10, 9])  # passport: a letter and 8 digits
AGE_PMF = np.concatenate([np.full(18, 13 / 18), np.full(12, 25 / 12), np.full(15, 32 / 15),
                          np.full(20, 24 / 20), np.linspace(0.5, 0.02, 26) * 6 / 6.76])
AGE_PMF /= AGE_PMF.sum()
NAT_GROUP = np.array([GROUPS.index(x) for _, _, x in NATIONALITIES])
QUADS = np.array([list(f"{i:04d}".encode()) for i in range(10_000)], np.uint8).view(np.uint32).ravel()
MAX_PER_YEAR = 10**8 - 1  # ID_MOVIMIENTO holds an 8-digit sequence


def _enc_product(*lists: list[str]) -> pa.Array:
    """Every combination 'a;b;...' of the lists, Latin-1, in row-major index order."""
    combos = list(lists[0])
    for labels in lists[1:]:
        combos = [f"{c};{x}" for c in combos for x in labels]
    return pa.array([c.encode(ENCODING) for c in combos], pa.binary())


SEXES = ["MASCULINO", "FEMENINO", ""]
MOVE_POST_SEX = _enc_product(["ENTRADA", "SALIDA"], POSTS, SEXES)
NAT_STATUS_OCC_DOC = _enc_product([x for x, _, _ in NATIONALITIES], STATUSES, OCCUPATIONS, DOC_TYPES)


def _cdf(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=float)
    m = np.cumsum(m / m.sum(axis=1, keepdims=True), axis=1)
    m[:, -1] = 1.0
    return m


POST_CDF = _cdf([POST_WEIGHTS[x] for x in GROUPS])


def _pick(rng: np.random.Generator, group: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """Per-row categorical draw from the distribution in row `group` of `cdf` (one search)."""
    k = cdf.shape[1]
    flat = (cdf + np.arange(cdf.shape[0])[:, None]).ravel()
    return (np.searchsorted(flat, rng.random(group.size) + group, side="right") - group * k).astype(np.int32)


def _binary(mat: np.ndarray, lengths: np.ndarray | None = None) -> pa.Array:
    """Binary array whose row i is mat[i][:lengths[i]] (all of mat[i] when lengths is None)."""
    n, width = mat.shape
    if lengths is None:
        offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
        data = np.ascontiguousarray(mat)
    else:
        offsets = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(lengths, out=offsets[1:])
        data = mat[np.arange(width) < lengths[:, None]]
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Non-negative integers -> (n, width) uint8 matrix of zero-padded ASCII digits."""
    out = np.empty((values.size, width), dtype=np.uint8)
    v = values.astype(np.int64)
    for i in range(width - 1, -1, -1):
        out[:, i], v = 48 + v % 10, v // 10
    return out


def _date_table(first_day: int, n_days: int) -> pa.Array:
    """'dd/mm/yyyy' of n_days consecutive days from first_day (epoch days), then one blank."""
    d = (np.datetime64("1970-01-01") + np.arange(first_day, first_day + n_days)).astype("datetime64[D]")
    years, months = d.astype("datetime64[Y]"), d.astype("datetime64[M]")
    out = np.empty((n_days, 10), dtype=np.uint8)
    out[:, 0:2] = _digits((d - months.astype("datetime64[D]")).astype(np.int64) + 1, 2)
    out[:, 3:5] = _digits((months - years.astype("datetime64[M]")).astype(np.int64) + 1, 2)
    out[:, 6:10] = _digits(years.astype(np.int64) + 1970, 4)
    out[:, 2] = out[:, 5] = ord("/")
    return pa.concat_arrays([_binary(out), pa.array([b""], pa.binary())])


def year_weights(year: int) -> float:
    """Relative volume of a year (the table above; extrapolated outside 2006-2025)."""
    if year in VOLUME:
        return VOLUME[year]
    return VOLUME[2006] * 0.92 ** (2006 - year) if year < 2006 else VOLUME[2025] * 1.04 ** (year - 2025)


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights summing exactly to total (largest remainder)."""
    exact = total * weights / weights.sum()
    out = np.floor(exact).astype(np.int64)
    out[np.argsort(-(exact - out), kind="stable")[: total - out.sum()]] += 1
    return out


def _nationality_cdf(year: int) -> np.ndarray:
    ven = VEN_SHARE.get(year, 0.8 if year < 2017 else 4.0)
    rest = np.array([w for _, w, _ in NATIONALITIES[2:]])
    return _cdf([[45, ven, *(rest / rest.sum() * (55 - ven))]])[0]


def _status_cdf(year: int) -> np.ndarray:
    """Rows: Peruvian, Venezuelan, asylum-prone, other; columns: STATUSES."""
    ven = VEN_STATUS[max(y for y in VEN_STATUS if y <= year)]
    cpp = 0.5 if year >= 2021 else 0  # the CPP regularisation opened in 2021
    return _cdf([[0, 0, 0, 0, 0, 0, 0, 0, 1], ven, [70, 10, 5, 2, cpp, 9, 2, 2, 0],
                 [86, 7, 6, .2, cpp, .3, .1, .2, 0]])


class _Year:
    """What every chunk of one year shares: day volumes, date strings, distributions."""

    def __init__(self, year: int, n: int) -> None:
        self.year = year
        self.day0 = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
        n_days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
        month = (np.datetime64(f"{year}-01-01") + np.arange(n_days)).astype("datetime64[M]")
        month_idx = (month - np.datetime64(f"{year}-01", "M")).astype(np.int64)
        covid = np.asarray(COVID.get(year, [1.0] * 12))
        weekly = 1 + 0.12 * np.cos(2 * np.pi * (np.arange(n_days) + self.day0 + 3) / 7)
        self.day_ends = np.cumsum(_allocate(n, MONTHS[month_idx] * covid[month_idx] * weekly))
        self.day_starts = self.day_ends - np.diff(self.day_ends, prepend=0)
        self.base = self.day0 - 366 * (AGE_PMF.size + 1)  # first day of the date table
        self.dates = _date_table(self.base, self.day0 + n_days - self.base)
        self.blank = len(self.dates) - 1  # index of the blank date
        self.nat_cdf = _nationality_cdf(year)
        self.status_cdf = _status_cdf(year)
        self.p_entry = np.full(len(GROUPS), 0.5)
        self.p_entry[0] = 0.47 if year in (2017, 2018, 2019, 2022, 2023, 2024) else 0.5
        self.p_entry[1] = 0.62 if 2017 <= year <= 2019 else 0.52


def _chunk(rng: np.random.Generator, yr: _Year, first: int, n: int) -> list[pa.Array]:
    """Rows first .. first+n-1 of the year as 6 Latin-1 binary columns, to be joined with ';':
    ID, FECHA, 'TIPO;PUESTO;SEXO', FECHA_NACIMIENTO, 'NAC;CALIDAD;OCUP;TIPO_DOC', 'NUMERO\\r\\n'."""
    per_day = np.clip(np.minimum(yr.day_ends, first + n) - np.maximum(yr.day_starts, first), 0, None)
    days = yr.day0 + np.repeat(np.arange(per_day.size), per_day)
    nat = np.searchsorted(yr.nat_cdf, rng.random(n), side="right")
    g = NAT_GROUP[nat]
    post = _pick(rng, g, POST_CDF)
    direction = (rng.random(n) >= yr.p_entry[g]).astype(np.int32)
    sex = np.searchsorted([0.52, 0.998], rng.random(n), side="right")
    age = rng.choice(AGE_PMF.size, size=n, p=AGE_PMF)
    born = days - (age * 365.25 + rng.random(n) * 365).astype(np.int64)
    status = _pick(rng, np.select([g == 0, g == 1, g == GROUPS.index("A")], [0, 1, 2], 3), yr.status_cdf)
    occ = np.searchsorted(np.cumsum(OCC_WEIGHTS / OCC_WEIGHTS.sum())[:-1], rng.random(n), side="right")
    occ[(age < 18) | (rng.random(n) < np.where(age >= 65, 0.5, 0.12))] = len(OCCUPATIONS) - 1
    doc = _pick(rng, np.select([g == 0, g <= GROUPS.index("N")], [0, 1], 2),
                _cdf([[45, 55, 0, 0], [60, 0, 40, 0], [1, 0, 0, 0]]))
    doc[(status == STATUSES.index("CPP")) & (rng.random(n) < 0.8)] = DOC_TYPES.index("CPP")
    number = QUADS[rng.integers(0, 10_000, size=(n, 3), dtype=np.uint16)].view(np.uint8)
    passport = np.flatnonzero(doc == 0)
    number[passport, 0] = rng.integers(65, 91, size=passport.size, dtype=np.uint8)
    length = DOC_LEN[doc]
    flat = number.reshape(-1)
    flat[np.arange(0, 12 * n, 12) + length], flat[np.arange(1, 12 * n, 12) + length] = 13, 10
    seq = np.arange(first + 1, first + n + 1, dtype=np.int64)
    ids = np.empty((n, 3), dtype=np.uint32)
    ids[:, 0] = np.frombuffer(str(yr.year).encode(), np.uint32)[0]
    ids[:, 1], ids[:, 2] = QUADS[seq // 10_000], QUADS[seq % 10_000]
    born_idx = np.where(rng.random(n) < 0.001, yr.blank, born - yr.base).astype(np.int32)
    mps = (direction * len(POSTS) + post) * len(SEXES) + sex
    nsod = ((nat * len(STATUSES) + status) * len(OCCUPATIONS) + occ) * len(DOC_TYPES) + doc
    return [_binary(ids.view(np.uint8)), pc.take(yr.dates, (days - yr.base).astype(np.int32)),
            pc.take(MOVE_POST_SEX, mps.astype(np.int32)), pc.take(yr.dates, born_idx),
            pc.take(NAT_STATUS_OCC_DOC, nsod.astype(np.int32)), _binary(number, length + 2)]


def _bad_line(line: bytes, kind: str, rng: np.random.Generator, year: int) -> bytes:
    """Inject one defect of `kind` (see the module docstring) into a good line."""
    fields = line[:-2].split(b";")
    if kind == "bad_date":
        if rng.random() < 0.5:
            day_month = ["31/02", "30/02", "31/04", "31/06", "31/09", "31/11"][rng.integers(6)]
            fields[1] = f"{day_month}/{year}".encode()
        else:
            fields[1] = f"{year}-13-{rng.integers(1, 29):02d}".encode()
    elif kind == "unknown_nationality":
        fields[6] = UNKNOWN_NATIONALITY.encode(ENCODING)
    elif kind == "missing_field":
        del fields[int(rng.integers(1, len(fields)))]
    else:  # born_after_movement
        moved = dt.datetime.strptime(fields[1].decode(), "%d/%m/%Y").date()
        born = moved + dt.timedelta(days=int(rng.integers(1, 3651)))
        fields[5] = born.strftime("%d/%m/%Y").encode()
    return b";".join(fields) + b"\r\n"


def _write_year(path: Path, year: int, n: int, n_bad: int, seed: int) -> None:
    yr = _Year(year, n)
    rng = np.random.default_rng([seed, year, 0])
    bad_at = np.sort(rng.choice(n, size=n_bad, replace=False)) if n_bad else np.empty(0, np.int64)
    bad_kind = rng.integers(0, len(BAD_KINDS), size=n_bad)
    sep = pa.scalar(b";", pa.binary())
    with open(path, "wb") as out:
        out.write(HEADER.encode(ENCODING) + b"\r\n")
        for k, first in enumerate(range(0, n, CHUNK)):
            size = min(CHUNK, n - first)
            chunk_rng = np.random.default_rng([seed, year, k + 1])
            lines = pc.binary_join_element_wise(*_chunk(chunk_rng, yr, first, size), sep)
            lo, hi = np.searchsorted(bad_at, [first, first + size])
            if hi > lo:
                rows = bad_at[lo:hi] - first
                repl = [_bad_line(line, BAD_KINDS[kind], chunk_rng, year)
                        for line, kind in zip(pc.take(lines, rows).to_pylist(), bad_kind[lo:hi])]
                mask = np.zeros(size, dtype=bool)
                mask[rows] = True
                lines = pc.replace_with_mask(lines, pa.array(mask), pa.array(repl, pa.binary()))
            offsets = np.frombuffer(lines.buffers()[1], np.int32, size + 1, lines.offset * 4)
            out.write(memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]])


def write_movements(out_dir: Path, rows: int, seed: int = 2022, start_year: int = 2006,
                    end_year: int = 2025, bad_row_share: float = 0.0005,
                    workers: int | None = None) -> list[Path]:
    """Write movimientos_migratorios_<YYYY>.csv for each year; the data rows sum to `rows`.

    Years are written by `workers` threads (default: up to 2); the output does not depend on it.
    """
    if rows < 0 or end_year < start_year or not 0 <= bad_row_share <= 1:
        raise ValueError("need rows >= 0, start_year <= end_year and 0 <= bad_row_share <= 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    years = list(range(start_year, end_year + 1))
    per_year = _allocate(rows, np.array([year_weights(y) for y in years]))
    if per_year.max(initial=0) > MAX_PER_YEAR:
        raise ValueError(f"at most {MAX_PER_YEAR:,} rows per year (8-digit ID sequence)")
    bad = _allocate(round(rows * bad_row_share), per_year.astype(float)) if rows else per_year
    paths = [out_dir / f"movimientos_migratorios_{y}.csv" for y in years]
    jobs = sorted(zip(paths, years, per_year.tolist(), bad.tolist()), key=lambda j: -j[2])
    with ThreadPoolExecutor(max_workers=workers or min(2, os.cpu_count() or 1)) as pool:
        for done in [pool.submit(_write_year, p, y, n, min(b, n), seed) for p, y, n, b in jobs]:
            done.result()
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.samples.movements", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--start-year", type=int, default=2006)
    parser.add_argument("--end-year", type=int, default=2025)
    parser.add_argument("--bad-row-share", type=float, default=0.0005)
    parser.add_argument("--workers", type=int, default=None, help="threads (default: up to 2)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = write_movements(args.out_dir, args.rows, args.seed, args.start_year, args.end_year,
                            args.bad_row_share, args.workers)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in paths) / 1e6
    print(f"{len(paths)} files, {args.rows:,} rows, {size:,.0f} MB in {seconds:.1f} s "
          f"({args.rows / max(seconds, 1e-9):,.0f} rows/s) -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
