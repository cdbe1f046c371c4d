"""sdmx/<request-id>.csv: a published table as SDMX-CSV 2.0, against its dataflow in sdmx/structure.xml.

Columns: STRUCTURE, STRUCTURE_ID, ACTION, the dimensions (the breakdowns, TIME_PERIOD last), OBS_VALUE,
then the attributes UNIT_MEASURE, OBS_STATUS, CONF_STATUS and COMMENT_DSET. A withheld cell keeps
its row with an empty OBS_VALUE and the CONF_STATUS the table holds (C; D in editions of contract
v1); a missing one an empty OBS_VALUE and OBS_STATUS M. COMMENT_DSET, attached to the data set, is
the table's notes of this edition (proxy, periods, totals, the publisher's own inconsistencies):
given once, on a first row that fills only the structure columns and COMMENT_DSET, as SDMX-CSV 2.0
writes an attribute attached to a partial key (here the empty key: the whole data set). Repeated on
each row, it made the files six times the size of the tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from validators.publish.sdmx import AREA, MEASURE, NOTES, REPORTING_STATE, Dataflow

from .csv import whole_numbers

SUFFIX = "csv"


def structure_id(flow: Dataflow) -> str:
    return f"{flow.ref.agency}:{flow.ref.id}({flow.ref.version})"


def notes_row(flow: Dataflow, columns: list[str], text: str) -> pd.DataFrame:
    """The data set's attribute row: the structure columns and COMMENT_DSET, every key column empty."""
    row = {**dict.fromkeys(columns), "STRUCTURE": "dataflow", "STRUCTURE_ID": structure_id(flow), "ACTION": "I",
           NOTES: text}
    return pd.DataFrame([row], columns=columns)


def sdmx_frame(table: pd.DataFrame, flow: Dataflow, notes: list[str]) -> pd.DataFrame:
    """The table's rows with SDMX column names and the structure reference in front, after the notes row."""
    out = pd.DataFrame({"STRUCTURE": "dataflow", "STRUCTURE_ID": structure_id(flow), "ACTION": "I"},
                       index=table.index)
    for d in flow.dimensions:
        out[d.id] = REPORTING_STATE[0] if d.id == AREA and d.column not in table else table[d.column]
    withheld = table["conf_status"].astype(str).isin(["C", "D"])  # never a value, whatever the caller passed
    out[MEASURE] = whole_numbers(table["obs_value"].where(~withheld))
    for a in flow.attributes:
        out[a.id] = None if a.dataset_level else table[a.column]
    text = " ".join("; ".join(notes).split())
    rows = out.reset_index(drop=True)
    return pd.concat([notes_row(flow, list(out.columns), text), rows], ignore_index=True) if text else rows


def write(table: pd.DataFrame, path: Path, flow: Dataflow, notes: list[str]) -> None:
    sdmx_frame(table, flow, notes).to_csv(path, index=False, na_rep="")
