"""The codelists in specs/codelists and the module that generates the long ones, on the real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from validators.spec.model import Codelist
from warehouse import reference_codelists as rc

CODELISTS = sorted(rc.CODELIST_DIR.glob("*.y*ml"))


def _load(path: Path, yaml_1_1: bool = False) -> object:
    text = path.read_text(encoding="utf-8")
    # A %YAML 1.1 directive makes the reader apply 1.1 rules (NO = false, 0110 = octal), as old tools do.
    return YAML(typ="safe", pure=True).load(("%YAML 1.1\n---\n" + text) if yaml_1_1 else text)


def _codelist(name: str) -> Codelist:
    return Codelist.model_validate(_load(rc.CODELIST_DIR / f"{name}.yaml"))


def test_expected_codelists_exist() -> None:
    ids = {p.stem for p in CODELISTS}
    assert {"sex", "nationality", "occupation", "age", "age_child_adult", "direction",
            "migration_status", "trafficking_purpose", "proceeding_stage", "tip_indicator",
            "region_pe"} <= ids


@pytest.mark.parametrize("path", CODELISTS, ids=lambda p: p.name)
@pytest.mark.parametrize("yaml_1_1", [False, True], ids=["yaml1.2", "yaml1.1"])
def test_every_codelist_validates_and_is_text(path: Path, yaml_1_1: bool) -> None:
    data = _load(path, yaml_1_1)
    codelist = Codelist.model_validate(data)
    assert codelist.id == path.stem
    assert path.read_text(encoding="utf-8").startswith("# "), "first line says where the codes come from"
    # pydantic would coerce nothing here, but check the raw YAML: a code read as 0 or False is a bug.
    for code in data["codes"]:
        for key in ("code", "en", "es"):
            assert isinstance(code[key], str), (path.name, code)


def test_nationality_from_reference_csv() -> None:
    codes = rc.nationality_codes(rc.REFERENCE_DIR / rc.COUNTRY_CSV)
    by_code = {c["code"]: c for c in codes}
    assert len(by_code) == len(codes) == 249 + 3
    assert by_code["PER"] == {"code": "PER", "en": "Peru", "es": "Perú"}
    assert by_code["VEN"]["es"] == "Venezuela (República Bolivariana de)"
    assert by_code["XXA"]["es"] == "Apátrida"
    assert by_code["XXX"]["es"] == "Nacionalidad desconocida"
    assert by_code["CIV"]["en"] == "Côte d’Ivoire"
    assert by_code["_O"]["en"] == "Other nationalities"  # what group_small publishes rare codes under
    assert all(len(c["code"]) == 3 and c["code"].isupper() for c in codes if c["code"] != "_O")
    assert not any("(el)" in c["es"] or "(the)" in c["en"] or "*" in c["en"] for c in codes)
    # Sources' own "unknown" codes are recoded, never published as codes.
    assert not {"OOO", "UNK"} & set(by_code)


def test_nationality_yaml_is_observed_fill() -> None:
    codelist = _codelist("nationality")
    assert codelist.fill == "observed"
    assert {"PER", "VEN", "COL", "XXA", "XXX"} <= codelist.code_set()


def test_occupation_major_groups_keep_codes_as_text() -> None:
    groups = rc.isco_major_groups(rc.REFERENCE_DIR / rc.ISCO_CSV)
    assert [g["code"] for g in groups] == list("1234567890") + ["_U", "_Z"]
    by_code = {g["code"]: g for g in groups}
    assert by_code["0"]["en"] == "Armed forces occupations"
    assert by_code["0"]["es"] == "Ocupaciones militares"
    assert by_code["1"]["es"] == "Directores y gerentes"
    raw = _load(rc.CODELIST_DIR / "occupation.yaml")
    assert "0" in [c["code"] for c in raw["codes"]]  # the string '0', not the integer 0


def test_region_pe_departments() -> None:
    codelist = _codelist("region_pe")
    labels = {c.code: c.es for c in codelist.codes}
    assert len(labels) == 25 + 1
    assert labels["PE-LIM"] == "LIMA" and labels["PE-CAL"] == "CALLAO" and "_U" in labels
    assert codelist.fill == "observed"


@pytest.mark.parametrize("name", ["age", "age_child_adult"])
def test_age_bands_cover_0_to_130_without_overlap(name: str) -> None:
    bands = [c for c in _codelist(name).codes if c.min is not None]
    assert all(c.max is None or c.min <= c.max for c in bands)
    for age in range(131):
        holders = [c.code for c in bands if c.min <= age and (c.max is None or age <= c.max)]
        assert len(holders) == 1, f"age {age} falls in {holders}"
    assert sum(c.max is None for c in bands) == 1, "exactly one open-ended band"
    assert [c.code for c in _codelist(name).codes if c.min is None] == ["_U"]


def test_age_codes_follow_bounds() -> None:
    for c in _codelist("age").codes:
        if c.min is not None:
            assert c.code == (f"Y{c.min}T{c.max}" if c.max is not None else f"Y_GE{c.min}")


def test_trafficking_purpose_is_sensitive() -> None:
    assert _codelist("trafficking_purpose").sensitive
    assert not _codelist("direction").sensitive


def test_generated_files_are_up_to_date(tmp_path: Path) -> None:
    written = rc.main(out_dir=tmp_path)
    assert {p.name for p in written} == {"nationality.yaml", "occupation.yaml", "region_pe.yaml"}
    for path in written:
        assert path.read_text(encoding="utf-8") == (rc.CODELIST_DIR / path.name).read_text(encoding="utf-8"), (
            f"{path.name} differs from a fresh generation: run python -m warehouse.reference_codelists")


def test_write_codelist_quotes_ambiguous_strings(tmp_path: Path) -> None:
    codelist = {
        "id": "tricky", "name": {"en": "Tricky", "es": "Difícil"}, "reference": "test",
        "codes": [{"code": c, "en": e, "es": e} for c, e in
                  [("NO", "on"), ("0110", "1:20"), ("0", "null"), ("Y", "Korea, Republic of")]],
    }
    path = tmp_path / "tricky.yaml"
    rc.write_codelist(path, codelist, "test")
    for yaml_1_1 in (False, True):
        data = _load(path, yaml_1_1)
        assert data["codes"] == codelist["codes"]


def test_write_codelist_refuses_bad_input(tmp_path: Path) -> None:
    good = {"id": "x", "name": {"en": "X", "es": "X"}, "reference": "r",
            "codes": [{"code": "A", "en": "a", "es": "a"}]}
    with pytest.raises(ValueError, match="file name"):
        rc.write_codelist(tmp_path / "y.yaml", good, "c")
    duplicate = {**good, "codes": good["codes"] * 2}
    with pytest.raises(ValueError, match="listed twice"):
        rc.write_codelist(tmp_path / "x.yaml", duplicate, "c")
    assert not (tmp_path / "x.yaml").exists()
