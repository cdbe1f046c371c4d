"""The fulfilment report: outputs/<edition>/report.html, one self-contained page for reviewers.

Reads only the published edition (manifest, tables, findings, validation/) and the specs (the
committee's words, labels). Inline CSS and SVG charts drawn here: no CDN, no JS library; a few
lines of inline JS switch between English and Spanish.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader

from validators.spec.catalogue import Catalogue
from validators.spec.model import TOTAL

from .edition import Edition, open_edition

TEMPLATES = Path(__file__).parent / "templates"
HEAD_ROWS = 12
STATUSES = ("delivered", "partial", "unavailable", "failed")
# the checks of the load SQL: their findings count quarantined rows (the catalogue's first section)
QUARANTINE_CHECKS = ("required", "not_an_integer", "not_a_number", "not_a_date", "not_a_year", "unknown_label",
                     "age_out_of_range", "not_an_age", "date_after_load", "date_outside_file_period",
                     "duplicate_record", "unreadable_row")


def head_rows(edition: Edition, rid: str, table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The first rows, codes shown with their English label; withheld and estimated cells flagged."""
    dims = [c for c in table.columns if c not in ("time_period", "obs_value", "unit_measure", "obs_status", "conf_status")]
    rows = []
    for _, r in table.head(HEAD_ROWS).iterrows():
        value = "withheld" if r["conf_status"] in ("C", "D") else ("" if pd.isna(r["obs_value"]) else f"{r['obs_value']:,.0f}")
        if r["obs_status"] == "E":
            value += " (e)"
        rows.append([r["time_period"], *[f"{r[d]} {edition.label(rid, d, r[d])}" for d in dims], value])
    return ["time_period", *dims, "obs_value"], rows


def series_for_chart(table: pd.DataFrame, dims: list[str]) -> dict[str, pd.Series]:
    """Lines over time: the total, or one per code of the first breakdown if it has few codes."""
    if table["time_period"].nunique() < 3:
        return {}
    df = table
    for d in dims[1:]:
        df = df[df[d] == TOTAL] if (df[d] == TOTAL).any() else df
    first = dims[0] if dims else None
    if first is not None:
        codes = [c for c in df[first].unique() if c != TOTAL]
        if 1 < len(codes) <= 5:
            return {c: df[df[first] == c].groupby("time_period")["obs_value"].sum() for c in codes}
        df = df[df[first] == TOTAL] if (df[first] == TOTAL).any() else df
    return {"Total": df.groupby("time_period")["obs_value"].sum()}


def svg_chart(series: dict[str, pd.Series], width: int = 720, height: int = 220) -> str:
    """An inline SVG line chart: one polyline per series, first/last period and min/max marked."""
    if not series:
        return ""
    periods = sorted(set().union(*[s.index for s in series.values()]))
    top = max(float(s.max()) for s in series.values()) or 1.0
    pad, colours = 40, ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
    x = {p: pad + i * (width - 2 * pad) / max(len(periods) - 1, 1) for i, p in enumerate(periods)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
             f'<text x="{pad}" y="{height - pad + 16}" font-size="11">{escape(periods[0])}</text>',
             f'<text x="{width - pad}" y="{height - pad + 16}" font-size="11" text-anchor="end">{escape(periods[-1])}</text>',
             f'<text x="{pad - 4}" y="{pad}" font-size="11" text-anchor="end">{top:,.0f}</text>',
             f'<text x="{pad - 4}" y="{height - pad}" font-size="11" text-anchor="end">0</text>']
    for i, (name, s) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        points = " ".join(f"{x[p]:.1f},{height - pad - (float(v) / top) * (height - 2 * pad):.1f}"
                          for p, v in s.sort_index().items() if pd.notna(v))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>')
        parts.append(f'<text x="{width - pad + 4}" y="{pad + 14 * i}" font-size="11" fill="{colour}">{escape(str(name))}</text>')
    return "".join(parts) + "</svg>"


def coverage_matrix(edition: Edition, rid: str) -> list[dict]:
    """Asked vs delivered, one row per breakdown the committee asked for, with the reason if missing."""
    ful = edition.manifest["requests"][rid]["fulfilment"]
    out = []
    for dim in ful["asked"]:
        codelist = edition.codelist(dim, rid)
        name = codelist.name.model_dump() if codelist else {"en": dim, "es": dim}
        reason = ful["missing_breakdowns"].get(dim, {"en": "", "es": ""})
        out.append({"dim": dim, "name": name, "delivered": dim in ful["delivered"], "reason": reason})
    return out


def findings_of(edition: Edition, findings: pd.DataFrame, rid: str) -> dict:
    """The findings on one request's table (pandera, GX) and on its source's load.

    Quarantine findings are counts per file, check and column (findings.csv holds no quarantined
    row: its rows stay in the warehouse, see `loipr quarantine`); other findings on the source
    (refused files, freshness) are listed as they are.
    """
    source = edition.manifest["requests"][rid]["source"]
    mine = findings[findings["spec"] == rid]
    gx = mine[mine["check"].str.startswith("gx:")]
    load = findings[findings["spec"] == source]
    counted = load[load["check"].isin(QUARANTINE_CHECKS)]
    counts = pd.to_numeric(counted["value"], errors="coerce").fillna(0).astype(int)
    per_file = (counted.assign(count=counts, column=counted["column"].fillna(""))
                .groupby(["source_file", "check", "column"], as_index=False)["count"].sum())
    return {"table": mine[~mine["check"].str.startswith("gx:")].to_dict("records"), "gx": gx.to_dict("records"),
            "quarantine": per_file.to_dict("records"), "quarantine_total": int(counts.sum()),
            "source_findings": load[~load["check"].isin(QUARANTINE_CHECKS)].to_dict("records")}


def provenance(edition: Edition, rid: str) -> list[dict]:
    info = edition.manifest["requests"][rid]
    by_file = {(i["source"], i["file"]): i for i in edition.manifest["inputs"]}
    return [by_file.get((info["source"], f), {"file": f}) for f in info["source_files"]]


def section(edition: Edition, findings: pd.DataFrame, rid: str) -> dict:
    info = edition.manifest["requests"][rid]
    req = edition.catalogue.requests.get(rid)
    published = rid in edition.published_ids()
    table = edition.table(rid) if published else None
    dims = [d for d in info["fulfilment"]["delivered"]]
    columns, rows = head_rows(edition, rid, table) if published else ([], [])
    return {"id": rid, "paragraph": ", ".join(info["paragraph"]), "title": info["title"], "info": info,
            "ful": info["fulfilment"], "asks": req.asks if req else "", "published": published,
            "unit": req.measure.model_dump() if req else None, "rows_total": info["rows"],
            "columns": columns, "rows": rows,
            "chart": svg_chart(series_for_chart(table, dims)) if published else "",
            "coverage": coverage_matrix(edition, rid), "findings": findings_of(edition, findings, rid),
            "provenance": provenance(edition, rid), "spec_sha256": info.get("spec_sha256", ""),
            "disclosure": info.get("disclosure") or {}}


def render_report(edition: Edition) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    findings = edition.findings()
    sections = [section(edition, findings, rid) for rid in edition.request_ids()]
    return env.get_template("report.html.j2").render(
        m=edition.manifest, counts=edition.manifest["counts"], statuses=STATUSES, sections=sections,
        has_validation=(edition.folder / "validation" / "index.html").exists())


def write_report(folder: Path, catalogue: Catalogue) -> Path:
    path = folder / "report.html"
    path.write_text(render_report(open_edition(folder, catalogue)), encoding="utf-8")
    return path
