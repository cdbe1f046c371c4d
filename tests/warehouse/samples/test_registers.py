"""Synthetic institution extracts: seeded, in the owner's layout, with published totals that add up."""

from __future__ import annotations

import csv

from warehouse.samples.extracts import EXTRACTS
from warehouse.samples.registers import BAD_LABEL, write_extract

SUNAFIL = next(e for e in EXTRACTS if e.owner_dir == "sunafil")
IRREGULAR = next(e for e in EXTRACTS if e.name.startswith("estimacion_irregulares"))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = write_extract(SUNAFIL, tmp_path / "a", 0.5, 7)
    b = write_extract(SUNAFIL, tmp_path / "b", 0.5, 7)
    c = write_extract(SUNAFIL, tmp_path / "c", 0.5, 8)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]


def test_scale_sets_the_volume_and_some_rows_carry_unmapped_labels(tmp_path):
    small = write_extract(SUNAFIL, tmp_path / "s", 1.0, 1)
    large = write_extract(SUNAFIL, tmp_path / "l", 4.0, 1)
    rows = sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in large)
    assert rows > 3.5 * sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in small)
    assert sum(p.read_text(encoding="utf-8").count(BAD_LABEL) for p in large) > 0


def test_published_totals_equal_the_sum_of_their_cells(tmp_path):
    (path, *_) = write_extract(IRREGULAR, tmp_path, 1.0, 3)
    with path.open(encoding="latin-1", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    cells = {(r["NACIONALIDAD"], r["TIPO_IRREGULARIDAD"], r["SEXO"]): int(r["CANTIDAD_ESTIMADA"]) for r in rows}
    parts = sum(v for k, v in cells.items() if "TOTAL" not in k)
    assert cells[("TOTAL", "TOTAL", "TOTAL")] == parts
    assert cells[("VENEZUELA", "TOTAL", "MUJERES")] == sum(
        cells[("VENEZUELA", t, "MUJERES")] for t in ("INGRESO IRREGULAR", "PERMANENCIA IRREGULAR"))
