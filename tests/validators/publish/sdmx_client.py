"""An edition's sdmx/ read back by a real SDMX client (pysdmx) and every observation checked against
its DSD. pysdmx parses (and validates structure.xml against the SDMX-ML 2.1 XML Schema); it has no
data validator, so the checks below run over the objects it parsed: every coded value in its
codelist, every mandatory attribute present, no key twice, and our contract (no value where withheld
or missing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from pysdmx.io import get_datasets, read_sdmx
from pysdmx.model import Role

TIME = re.compile(r"^\d{4}(-(Q[1-4]|S[12]|W\d{2}|M?\d{2}|\d{2}-\d{2}))?$")  # SDMX observational time periods
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
WITHHELD = {"C", "D"}


@dataclass
class Checked:
    client: str
    dataflows: int = 0
    codelists: int = 0
    files: int = 0
    observations: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # dataflow -> COMMENT_DSET
    problems: list[str] = field(default_factory=list)


def codes_of(component) -> set[str] | None:
    codes = getattr(component, "local_codes", None)
    return None if codes is None else {c.id for c in codes}


def observation_problems(name: str, data: pd.DataFrame, schema) -> list[str]:
    """Each observation against the DSD's components: codes, mandatory attributes, time, value."""
    out = []
    dims = [c for c in schema.components if c.role == Role.DIMENSION]
    obs_attrs = [c for c in schema.components if c.role == Role.ATTRIBUTE and c.attachment_level != "D"]
    known = {c.id for c in schema.components}
    out += [f"{name}: column {col} is no component of {schema.id}" for col in data.columns if col not in known]
    for c in dims + obs_attrs:
        if c.id not in data.columns and (c.role == Role.DIMENSION or c.required):
            out.append(f"{name}: {c.id} is missing")
    present = [c for c in dims + obs_attrs if c.id in data.columns]
    for c in present:
        values = data[c.id].astype(str)
        codes = codes_of(c)
        if codes is not None:
            bad = sorted(set(values[(values != "") | (c.role == Role.DIMENSION)]) - codes)
            out += [f"{name}: {c.id} '{v}' is not a code of its codelist" for v in bad]
        if c.id == "TIME_PERIOD":
            out += [f"{name}: TIME_PERIOD '{v}' is not an SDMX time period" for v in sorted(set(values))
                    if not TIME.match(v)]
        if c.role == Role.ATTRIBUTE and c.required and (values == "").any():
            out.append(f"{name}: mandatory attribute {c.id} is empty in {(values == '').sum()} observation(s)")
    keys = [c.id for c in dims if c.id in data.columns]
    dupes = data[data.duplicated(keys, keep=False)]
    if len(dupes):
        out.append(f"{name}: {len(dupes)} observation(s) share a key ({', '.join(keys)}), e.g. "
                   + ".".join(str(v) for v in dupes.iloc[0][keys]))
    value = data.get("OBS_VALUE", pd.Series("", index=data.index)).astype(str)
    out += [f"{name}: OBS_VALUE '{v}' is not a number" for v in sorted(set(value[value != ""])) if not NUMBER.match(v)]
    conf = data.get("CONF_STATUS", pd.Series("", index=data.index)).astype(str)
    status = data.get("OBS_STATUS", pd.Series("", index=data.index)).astype(str)
    if ((value != "") & conf.isin(WITHHELD)).any():
        out.append(f"{name}: a withheld observation (CONF_STATUS C or D) carries a value")
    if ((value != "") & (status == "M")).any():
        out.append(f"{name}: a missing observation (OBS_STATUS M) carries a value")
    if ((value == "") & ~conf.isin(WITHHELD) & (status != "M")).any():
        out.append(f"{name}: an observation has no value but is neither withheld nor missing")
    return out


def check_edition_sdmx(edition: Path) -> Checked:
    """Parse sdmx/structure.xml and every sdmx/*.csv with pysdmx; every problem found, one line each."""
    structure = edition / "sdmx" / "structure.xml"
    message = read_sdmx(structure, validate=True)  # raises pysdmx.errors.Invalid on an XML Schema error
    checked = Checked(f"pysdmx {version('pysdmx')}", len(message.get_dataflows()), len(message.get_codelists()))
    for path in sorted((edition / "sdmx").glob("*.csv")):
        checked.files += 1
        for ds in get_datasets(path, structure):
            schema, data = ds.structure, ds.data.fillna("").astype(str)
            dims = [c.id for c in schema.components if c.role == Role.DIMENSION and c.id in data.columns]
            attribute_rows = (data[dims] == "").all(axis=1)  # the data set's own attributes (its notes)
            observations = data[~attribute_rows]
            leftover = data[attribute_rows].drop(columns=dims).ne("").any()
            checked.problems += [f"{path.name}: the data-set row holds {c}, which is no data-set attribute"
                                 for c in leftover[leftover].index]
            checked.observations += len(observations)
            checked.notes[schema.id] = str(ds.attributes.get("COMMENT_DSET") or "")
            checked.problems += observation_problems(path.name, observations, schema)
    return checked
