"""Read a published edition folder (manifest, tables, findings) for the reviewer files.

The report, the annex and the GX run read only from here and from the specs, so that
`loipr report` can rebuild them from a published edition without touching the warehouse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from validators.checks import TableContext
from validators.spec.catalogue import Catalogue
from validators.spec.findings import FINDING_COLUMNS
from validators.spec.periods import expected_periods, resolve_start


@dataclass(frozen=True)
class Edition:
    folder: Path
    manifest: dict
    catalogue: Catalogue

    @property
    def name(self) -> str:
        return self.manifest["edition"]

    def request_ids(self) -> list[str]:
        """Every request of the manifest, in the committee's paragraph order."""
        return sorted(self.manifest["requests"], key=lambda r: paragraph_key(self.manifest["requests"][r]["paragraph"]))

    def published_ids(self) -> list[str]:
        return [r for r in self.request_ids() if self.manifest["requests"][r]["published"]
                and (self.folder / "tables" / f"{r}.csv").exists()]

    def table(self, request_id: str) -> pd.DataFrame:
        """A published table as written: codes stay text ('0110' is not 110), obs_value a number."""
        df = pd.read_csv(self.folder / "tables" / f"{request_id}.csv", dtype=str, keep_default_na=False,
                         na_values=[""])
        if "obs_value" in df:
            df["obs_value"] = pd.to_numeric(df["obs_value"], errors="coerce")
        return df

    def findings(self) -> pd.DataFrame:
        path = self.folder / "findings.csv"
        if not path.exists():
            return pd.DataFrame(columns=FINDING_COLUMNS)
        return pd.read_csv(path, dtype=str, keep_default_na=False)

    def allowed_periods(self, request_id: str) -> list[str]:
        """Periods a table may hold: those asked at this reference date, plus any fallback periods."""
        req = self.catalogue.requests[request_id]
        reference = date.fromisoformat(self.manifest["reference_date"])
        asked = expected_periods(resolve_start(req.period.from_, reference), reference, req.period.frequency)
        return asked + [p for p in self.manifest["requests"][request_id]["fulfilment"]["fallback_periods"]
                        if p not in asked]

    def covered_periods(self, request_id: str) -> list[str]:
        """Periods the table must contain: those asked minus those the source lacks, or the fallback."""
        ful = self.manifest["requests"][request_id]["fulfilment"]
        if ful["fallback_periods"]:
            return list(ful["fallback_periods"])
        missing = set(ful["missing_periods"])
        return [p for p in self.allowed_periods(request_id) if p not in missing]

    def context(self, request_id: str) -> TableContext:
        """What the checks need to re-check a published table, as the manifest recorded it."""
        req = self.catalogue.requests[request_id]
        reference = date.fromisoformat(self.manifest["reference_date"])
        asked = expected_periods(resolve_start(req.period.from_, reference), reference, req.period.frequency)
        fallback = list(self.manifest["requests"][request_id]["fulfilment"]["fallback_periods"])
        return TableContext(req, self.catalogue.sources[req.source], self.catalogue.codelists, asked,
                            self.covered_periods(request_id), fallback,
                            must_hold=tuple(self.covered_periods(request_id)))

    def label(self, request_id: str, dim: str, code: str, lang: str = "en") -> str:
        codelist = self.codelist(dim, request_id)
        if codelist is None:
            return code
        if code == codelist.total:
            return "Total"
        return next((getattr(c, lang) for c in codelist.codes if c.code == code), code)

    def codelist(self, dim: str, request_id: str | None = None):
        for rid in ([request_id] if request_id else self.request_ids()):
            req = self.catalogue.requests.get(rid)
            bound = dict(req.dimensions()) if req else {}
            if dim in bound:
                return self.catalogue.codelists.get(bound[dim])
        return self.catalogue.codelists.get(dim)


def paragraph_key(paragraphs: list[str] | str) -> list:
    """'40(a)' < '40(h)' < '41': numbers compare as numbers, letters as letters."""
    first = paragraphs[0] if isinstance(paragraphs, list) else paragraphs
    return [int(t) if t.isdigit() else t for t in re.findall(r"\d+|[a-z]+", first.lower())]


def open_edition(folder: Path, catalogue: Catalogue) -> Edition:
    """A published (or staged) edition, read with the specs already loaded by the caller."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{folder} is not a published edition: it has no manifest.json")
    return Edition(folder, json.loads(manifest_path.read_text()), catalogue)
