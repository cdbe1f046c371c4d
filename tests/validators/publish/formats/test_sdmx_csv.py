"""sdmx/<request-id>.csv written from a tiny table against the real dataflow of its request: the
header, the data set's notes row and each observation's line, word for word."""

from __future__ import annotations

import pandas as pd

from tests.catalogue import real_catalogue
from validators.publish.formats import sdmx_csv
from validators.publish.sdmx import Component, Dataflow, Ref, build_structures

HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,SEX,AGE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS,COMMENT_DSET"
FLOW = "dataflow,LOIPR:DF_40F_COVID_DEATHS(1.0),I"


def flow(request_id: str):
    return build_structures(real_catalogue()).dataflow(request_id)


def deaths() -> pd.DataFrame:
    """Cells of 40f-covid-deaths as published, rows 3, 5, 8, 9 of a larger table: a value, a cell
    withheld (C) and one of a contract v1 edition (D) whose caller still passed their values, a
    missing cell (M)."""
    return pd.DataFrame({"time_period": ["2021-01"] * 4, "sex": ["F", "M", "F", "_T"],
                         "age": ["Y_GE18", "Y_GE18", "Y0T17", "_T"], "obs_value": [1050.0, 3.0, 2.0, float("nan")],
                         "unit_measure": ["PS"] * 4, "obs_status": ["A", "P", "E", "M"],
                         "conf_status": ["F", "C", "D", "F"]}, index=[3, 5, 8, 9])


def lines(tmp_path, table: pd.DataFrame, request_id: str, notes: list[str]) -> list[str]:
    sdmx_csv.write(table, tmp_path / "t.csv", flow(request_id), notes)
    return (tmp_path / "t.csv").read_text().splitlines()


def test_each_cell_is_one_observation_line_with_no_value_where_withheld_or_missing(tmp_path):
    assert lines(tmp_path, deaths(), "40f-covid-deaths", []) == [
        HEADER,
        f"{FLOW},F,Y_GE18,2021-01,1050,PS,A,F,",
        f"{FLOW},M,Y_GE18,2021-01,,PS,P,C,",
        f"{FLOW},F,Y0T17,2021-01,,PS,E,D,",
        f"{FLOW},_T,_T,2021-01,,PS,M,F,"]


def test_the_notes_come_once_on_a_first_row_of_the_whole_data_set_on_one_line(tmp_path):
    notes = ["Figures for 2021 are\n  provisional.", "The publisher's totals  disagree with its parts."]
    out = lines(tmp_path, deaths(), "40f-covid-deaths", notes)
    assert out[:3] == [
        HEADER,
        f"{FLOW},,,,,,,,Figures for 2021 are provisional.; The publisher's totals disagree with its parts.",
        f"{FLOW},F,Y_GE18,2021-01,1050,PS,A,F,"]
    assert len(out) == 6


def test_a_table_without_breakdowns_is_keyed_by_the_reporting_state(tmp_path):
    """An amount in US$ keeps its fraction, and a missing year is an empty OBS_VALUE (not 'nan' or 'None')."""
    table = pd.DataFrame({"time_period": ["2020", "2021", "2022"], "obs_value": [3587.25, 3592.0, float("nan")],
                          "unit_measure": ["USD"] * 3, "obs_status": ["A", "A", "M"], "conf_status": ["F", "F", "F"]})
    assert lines(tmp_path, table, "40g-remittances", []) == [
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,CONF_STATUS,COMMENT_DSET",
        "dataflow,LOIPR:DF_40G_REMITTANCES(1.0),I,PER,2020,3587.25,USD,A,F,",
        "dataflow,LOIPR:DF_40G_REMITTANCES(1.0),I,PER,2021,3592.0,USD,A,F,",
        "dataflow,LOIPR:DF_40G_REMITTANCES(1.0),I,PER,2022,,USD,M,F,"]


def test_a_table_broken_down_by_area_keeps_its_own_area_codes(tmp_path):
    """Only a table without an area column is keyed by the reporting State; one with it is not overwritten."""
    remittances = flow("40g-remittances")
    by_area = Dataflow(**{**remittances.__dict__, "dimensions": (Component("REF_AREA", "ref_area", Ref("LOIPR", "CL_REF_AREA")),
                                                                   Component("TIME_PERIOD", "time_period"))})
    table = pd.DataFrame({"ref_area": ["CHL"], "time_period": ["2021"], "obs_value": [12.0], "unit_measure": ["USD"],
                          "obs_status": ["A"], "conf_status": ["F"]})
    sdmx_csv.write(table, tmp_path / "t.csv", by_area, [])
    assert (tmp_path / "t.csv").read_text().splitlines()[1] == "dataflow,LOIPR:DF_40G_REMITTANCES(1.0),I,CHL,2021,12,USD,A,F,"


def test_a_table_read_back_as_text_gives_the_same_file(tmp_path):
    """`loipr sdmx` rebuilds from tables/*.csv read as text: empty cells are '' and counts are digits."""
    (tmp_path / "typed").mkdir()
    typed = lines(tmp_path / "typed", deaths(), "40f-covid-deaths", ["Provisional."])
    text = deaths().astype({"obs_value": "Int64"}).astype(str).replace({"<NA>": ""})
    assert lines(tmp_path, text, "40f-covid-deaths", ["Provisional."]) == typed
