"""The annex workbook pasted into the State report: outputs/<edition>/annex.xlsx (xlsxwriter).

A contents sheet with links, then one sheet per published request in the committee's paragraph
order: title row, the committee's paragraph and words, unit, notes on breakdowns not available,
the table with labels, and flags on estimated (E) and withheld (C) cells.
Reads only the published edition and the specs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from validators.spec.catalogue import Catalogue

from .edition import Edition, open_edition

HEADERS = {"en": {"time_period": "Period", "obs_value": "Value", "flag": "Flag", "contents": "Contents",
                  "paragraph": "Paragraph", "asks": "The committee asked", "unit": "Unit",
                  "not_available": "Breakdown not available", "notes": "Notes", "request": "Request",
                  "title": "Title", "status": "Status", "sheet": "Sheet",
                  "legend": "Flags: E = estimate; C = withheld (confidential, or withheld to protect a confidential cell)"},
           "es": {"time_period": "Período", "obs_value": "Valor", "flag": "Marca", "contents": "Contenido",
                  "paragraph": "Párrafo", "asks": "Lo que pidió el Comité", "unit": "Unidad",
                  "not_available": "Desagregación no disponible", "notes": "Notas", "request": "Solicitud",
                  "title": "Título", "status": "Estado", "sheet": "Hoja",
                  "legend": "Marcas: E = estimación; C = reservado (confidencial, o reservado para proteger una celda confidencial)"}}
FIRST_TABLE_ROW = 8  # 0-based row of the table header on each request sheet
# Excel holds 1,048,576 rows, but a sheet of more than 100k rows is pasted into no report and costs
# about a minute to write: larger tables are cut here, with a note; the full table is tables/<id>.csv.
MAX_ROWS = 100_000


def sheet_name(paragraph: str, rid: str, taken: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; keep names unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", f"{paragraph} {rid}")[:31]
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:28]}~{n}", n + 1
    taken.add(name.lower())
    return name


def flag(table: pd.DataFrame) -> pd.Series:
    """E for an estimate, C for a withheld cell (both may apply: 'EC'); an old edition's D shows as C."""
    estimate = table["obs_status"].eq("E").map({True: "E", False: ""})
    withheld = table["conf_status"].isin(["C", "D"]).map({True: "C", False: ""})
    return (estimate + withheld.fillna("")).astype(str)


def _request_sheet(book, ws, edition: Edition, rid: str, lang: str, fmt: dict) -> None:
    h = HEADERS[lang]
    info = edition.manifest["requests"][rid]
    req = edition.catalogue.requests[rid]
    ws.write(0, 0, f"{', '.join(info['paragraph'])} – {info['title'][lang]}", fmt["title"])
    ws.write(1, 0, h["paragraph"], fmt["bold"]); ws.write(1, 1, ", ".join(info["paragraph"]))
    ws.write(2, 0, h["asks"], fmt["bold"]); ws.write(2, 1, req.asks, fmt["wrap"])
    ws.write(3, 0, h["unit"], fmt["bold"]); ws.write(3, 1, f"{req.measure.unit}: {getattr(req.measure.what, lang)}")
    missing = info["fulfilment"]["missing_breakdowns"]
    ws.write(4, 0, h["not_available"], fmt["bold"])
    ws.write(4, 1, "; ".join(f"{d}: {r[lang]}" for d, r in missing.items()) or "–", fmt["wrap"])
    ws.write(5, 0, h["notes"], fmt["bold"]); ws.write(5, 1, "; ".join(info["fulfilment"]["notes"]) or "–", fmt["wrap"])
    ws.write(6, 0, h["legend"], fmt["muted"])
    table = edition.table(rid)
    if len(table) > MAX_ROWS:
        ws.write(7, 0, f"{len(table) - MAX_ROWS:,} rows more than a sheet holds: see tables/{rid}.csv", fmt["bold"])
        table = table.head(MAX_ROWS)
    dims = info["fulfilment"]["delivered"]
    names = [h["time_period"], *[_dim_name(edition, rid, d, lang) for d in dims], h["obs_value"], h["flag"]]
    ws.write_row(FIRST_TABLE_ROW, 0, names, fmt["header"])
    labelled = [table[d].fillna("").map({c: edition.label(rid, d, c, lang) for c in table[d].fillna("").unique()})
                for d in dims]  # one codelist lookup per distinct code, not per row
    flags = flag(table)
    col = len(dims) + 1
    for i, (period, value, f, *labels) in enumerate(zip(table["time_period"], table["obs_value"], flags, *labelled),
                                                    start=FIRST_TABLE_ROW + 1):
        ws.write_row(i, 0, [str(period), *labels])
        cell = fmt["withheld"] if any(c in f for c in "CD") else fmt["estimate"] if "E" in f else fmt["number"]
        if pd.isna(value):
            ws.write_blank(i, col, None, cell)
        else:
            ws.write_number(i, col, float(value), cell)
        if f:
            ws.write_string(i, col + 1, f)
    ws.set_column(0, 0, 22); ws.set_column(1, len(dims), 26); ws.set_column(len(dims) + 1, len(dims) + 2, 12)
    ws.freeze_panes(FIRST_TABLE_ROW + 1, 0)


def _dim_name(edition: Edition, rid: str, dim: str, lang: str) -> str:
    codelist = edition.codelist(dim, rid)
    return getattr(codelist.name, lang) if codelist else dim


def write_annex(folder: Path, catalogue: Catalogue, lang: str = "es") -> Path:
    """Spanish by default: the annex is pasted into Peru's State report."""
    edition = open_edition(folder, catalogue)
    path = folder / "annex.xlsx"
    h = HEADERS[lang]
    # Text is text: a spec's words or a label starting with '=' never becomes a live formula or link.
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    fmt = {"title": book.add_format({"bold": True, "font_size": 13}), "bold": book.add_format({"bold": True}),
           "wrap": book.add_format({"text_wrap": True, "valign": "top"}), "muted": book.add_format({"italic": True, "font_color": "#666666"}),
           "header": book.add_format({"bold": True, "bg_color": "#DDE3F0", "border": 1}),
           "number": book.add_format({"num_format": "#,##0"}),
           "estimate": book.add_format({"num_format": "#,##0", "italic": True, "bg_color": "#FFF4CC"}),
           "withheld": book.add_format({"bg_color": "#E0E0E0"}),
           "link": book.add_format({"font_color": "blue", "underline": 1})}
    contents = book.add_worksheet(h["contents"])
    contents.write(0, 0, f"{h['contents']} – {edition.name}", fmt["title"])
    contents.write_row(2, 0, [h["paragraph"], h["request"], h["title"], h["status"], h["sheet"]], fmt["header"])
    taken = {h["contents"].lower()}
    for i, rid in enumerate(edition.published_ids(), start=3):
        info = edition.manifest["requests"][rid]
        name = sheet_name(info["paragraph"][0], rid, taken)
        _request_sheet(book, book.add_worksheet(name), edition, rid, lang, fmt)
        contents.write_row(i, 0, [", ".join(info["paragraph"]), rid, info["title"][lang], info["fulfilment"]["status"]])
        contents.write_url(i, 4, f"internal:'{name}'!A1", fmt["link"], string=name)
    contents.set_column(0, 0, 10); contents.set_column(1, 1, 26); contents.set_column(2, 2, 70); contents.set_column(3, 4, 28)
    book.close()
    return path
