"""Generate the long codelists (nationality, occupation, region_pe) from reference files.

The reference files are copied into warehouse/landing/reference/ so a regeneration never depends on
anything outside the repo. Run ``python -m warehouse.reference_codelists`` after updating them; the
YAML written is checked against the Codelist model before it replaces the file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from validators.spec.model import TOTAL, Codelist

REPO = Path(__file__).resolve().parent.parent
REFERENCE_DIR = REPO / "warehouse" / "landing" / "reference"
CODELIST_DIR = REPO / "specs" / "codelists"

COUNTRY_CSV = "country-codes.csv"
ISCO_CSV = "esco_ISCOGroups_en.csv"
DEPARTMENT_CSV = "ubigeo_departamento_peru.csv"

# Codes no ISO 3166-1 row gives. XXA/XXX are the ICAO Doc 9303 codes for stateless and unspecified
# nationality (also used by UNHCR for stateless); sources' own "unknown" codes (IOM 'OOO', UNHCR 'UNK')
# are recoded to XXX in the source specs rather than added here.
EXTRA_NATIONALITIES = [
    {"code": "XXA", "en": "Stateless", "es": "Apátrida"},
    {"code": "XXX", "en": "Unknown or unspecified nationality", "es": "Nacionalidad desconocida"},
    # a request's `group_small` publishes its rare nationalities together under this code
    {"code": "_O", "en": "Other nationalities", "es": "Otras nacionalidades"},
]

# The file's official_name_en for CIV is "Ivory Coast"; the UN (M49, UNTERM) name is Côte d'Ivoire,
# the only name that State accepts, and the report goes to a UN body.
NAME_FIXES: dict[str, dict[str, str]] = {"CIV": {"en": "Côte d’Ivoire"}}

# ILO, CIUO-08 (Clasificación Internacional Uniforme de Ocupaciones 2008), Spanish titles of the
# major groups; ESCO only publishes English in the file we hold.
CIUO08_MAJOR_ES = {
    "1": "Directores y gerentes",
    "2": "Profesionales científicos e intelectuales",
    "3": "Técnicos y profesionales de nivel medio",
    "4": "Personal de apoyo administrativo",
    "5": "Trabajadores de los servicios y vendedores de comercios y mercados",
    "6": "Agricultores y trabajadores calificados agropecuarios, forestales y pesqueros",
    "7": "Oficiales, operarios y artesanos de artes mecánicas y de otros oficios",
    "8": "Operadores de instalaciones y máquinas y ensambladores",
    "9": "Ocupaciones elementales",
    "0": "Ocupaciones militares",
}
ISCO_ORDER = "1234567890"  # ILO prints armed forces (0) last

OCCUPATION_EXTRAS = [
    {"code": "_U", "en": "Occupation not stated", "es": "Ocupación no declarada"},
    {"code": "_Z", "en": "Not applicable (e.g. children, persons not working)",
     "es": "No aplica (p. ej. niñas y niños, personas que no trabajan)"},
]
UNKNOWN = {"code": "_U", "en": "Unknown", "es": "Desconocido"}

# UNTERM short names carry the article: "Peru" -> "Perú (el)", "Holy See (the) *".
_ARTICLE = re.compile(r"\s*\((?:the|el|la|los|las)\)\s*\*?\s*$|\s*\*\s*$")


def _read_csv(path: Path) -> list[dict[str, str]]:
    # newline="" because ESCO descriptions are quoted multi-line fields.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _name(row: dict[str, str], official: str, unterm: str) -> str:
    return row.get(official, "").strip() or _ARTICLE.sub("", row.get(unterm, "").strip())


def nationality_codes(csv_path: Path) -> list[dict[str, str]]:
    """ISO 3166-1 alpha-3 codes with M49 English/Spanish names, sorted by code, plus XXA and XXX."""
    codes: dict[str, dict[str, str]] = {}
    for row in _read_csv(csv_path):
        alpha3 = row.get("ISO3166-1-Alpha-3", "").strip()
        if not alpha3:
            continue
        entry = {
            "code": alpha3,
            "en": _name(row, "official_name_en", "UNTERM English Short"),
            "es": _name(row, "official_name_es", "UNTERM Spanish Short"),
        }
        entry.update(NAME_FIXES.get(alpha3, {}))
        if not entry["en"] or not entry["es"]:
            raise ValueError(f"{csv_path.name}: no English or Spanish name for {alpha3}")
        codes[alpha3] = entry
    return [codes[c] for c in sorted(codes)] + [dict(e) for e in EXTRA_NATIONALITIES]


def isco_major_groups(csv_path: Path) -> list[dict[str, str]]:
    """ISCO-08 major groups ('1'..'9', '0') with ESCO English labels and ILO Spanish titles."""
    english = {
        row["code"].strip(): row["preferredLabel"].strip()
        for row in _read_csv(csv_path)
        if row.get("conceptType") == "ISCOGroup" and len(row.get("code", "").strip()) == 1
    }
    missing = set(ISCO_ORDER) - set(english)
    if missing:
        raise ValueError(f"{csv_path.name}: ISCO major groups missing: {sorted(missing)}")
    groups = [{"code": c, "en": english[c], "es": CIUO08_MAJOR_ES[c]} for c in ISCO_ORDER]
    return groups + [dict(e) for e in OCCUPATION_EXTRAS]


def region_codes(csv_path: Path) -> list[dict[str, str]]:
    """Peruvian departments as ISO 3166-2 codes, in INEI order, names as the file prints them."""
    rows = sorted(_read_csv(csv_path), key=lambda r: r["inei"])
    codes = [{"code": r["iso_3166_2"].strip(), "en": r["departamento"].strip(),
              "es": r["departamento"].strip()} for r in rows]
    return codes + [dict(UNKNOWN)]


def nationality_codelist(reference_dir: Path = REFERENCE_DIR) -> dict[str, Any]:
    return {
        "id": "nationality",
        "name": {"en": "Nationality", "es": "Nacionalidad"},
        "reference": "ISO 3166-1 alpha-3 with UN M49 names (datasets/country-codes, "
                     f"{COUNTRY_CSV}); XXA, XXX from ICAO Doc 9303",
        "total": TOTAL,
        "fill": "observed",
        "codes": nationality_codes(reference_dir / COUNTRY_CSV),
    }


def occupation_codelist(reference_dir: Path = REFERENCE_DIR) -> dict[str, Any]:
    return {
        "id": "occupation",
        "name": {"en": "Occupation (ISCO-08 major group)", "es": "Ocupación (gran grupo CIUO-08)"},
        "reference": f"ILO ISCO-08 / CIUO-08 major groups; English labels from ESCO ({ISCO_CSV})",
        "total": TOTAL,
        "codes": isco_major_groups(reference_dir / ISCO_CSV),
    }


def region_codelist(reference_dir: Path = REFERENCE_DIR) -> dict[str, Any]:
    return {
        "id": "region_pe",
        "name": {"en": "Region of Peru (department)", "es": "Departamento del Perú"},
        "reference": f"ISO 3166-2:PE department codes, INEI ubigeo order ({DEPARTMENT_CSV})",
        "total": TOTAL,
        "fill": "observed",
        "codes": region_codes(reference_dir / DEPARTMENT_CSV),
    }


_RESOLVERS = [VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2))]


def _plain(value: Any) -> Any:
    """Quote strings any YAML reader (1.1 or 1.2) would read as something else: '0', 'NO', 'ON'."""
    if not isinstance(value, str):
        return value
    for resolver in _RESOLVERS:
        if str(resolver.resolve(ScalarNode, value, (True, False))) != "tag:yaml.org,2002:str":
            return SingleQuotedScalarString(value)
    return value


def _flow(mapping: dict[str, Any]) -> CommentedMap:
    out = CommentedMap((k, _plain(v)) for k, v in mapping.items() if v is not None)
    out.fa.set_flow_style()
    return out


def write_codelist(path: Path, codelist: dict[str, Any], comment: str) -> Codelist:
    """Validate, then write one codelist in the style of specs/codelists/sex.yaml."""
    model = Codelist.model_validate(codelist)
    if path.stem != model.id:
        raise ValueError(f"file name {path.name} must equal the codelist id '{model.id}'")
    doc = CommentedMap()
    for key, value in codelist.items():
        if key == "codes":
            doc[key] = CommentedSeq(_flow(code) for code in value)
        elif isinstance(value, dict):
            doc[key] = _flow(value)
        else:
            doc[key] = _plain(value)
    doc.yaml_set_start_comment(comment)
    yaml = YAML()  # round-trip dumper: keeps key order, flow maps and the comment
    yaml.width = 4096  # one code per line, never wrapped
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(doc, handle)
    return model


def main(reference_dir: Path = REFERENCE_DIR, out_dir: Path = CODELIST_DIR) -> list[Path]:
    """Regenerate the generated codelists; returns the files written."""
    ref = "warehouse/landing/reference"
    jobs = [
        (nationality_codelist,
         f"Nationality: ISO 3166-1 alpha-3 and UN M49 names from {ref}/{COUNTRY_CSV}, plus ICAO XXA/XXX."),
        (occupation_codelist,
         f"Occupation: ISCO-08 major groups, English from ESCO {ref}/{ISCO_CSV}, Spanish from ILO CIUO-08."),
        (region_codelist,
         f"Peruvian departments: ISO 3166-2:PE codes from {ref}/{DEPARTMENT_CSV} (INEI/RENIEC ubigeo)."),
    ]
    written = []
    for build, comment in jobs:
        codelist = build(reference_dir)
        path = out_dir / f"{codelist['id']}.yaml"
        write_codelist(path, codelist, comment + " Generated by warehouse/reference_codelists.py.")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main():
        print(written_path)
