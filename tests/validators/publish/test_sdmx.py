"""SDMX of an edition, read back by a real SDMX client (pysdmx) and checked observation by observation.

The sample edition is real and small: five requests on the committed extracts (MINSA, UNHCR, UN
DESA, UNODC, World Bank) loaded, built, checked, protected and published by the pipeline's own
functions (as the fulfil flow calls them, without Prefect). Between them the tables hold withheld
cells (C), missing ones (M), estimates (E), provisional periods (P), a fallback to the latest
periods, the publisher's inconsistent totals and a table with no breakdown.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pysdmx.errors import Invalid
from pysdmx.io import read_sdmx
from typer.testing import CliRunner

from tests.validators.publish.sdmx_client import check_edition_sdmx
from validators.checks import TableContext, validate_table
from validators.decisions import decide
from validators.disclosure import protect_edition
from validators.publish import build_manifest, publish_edition, published_columns, request_entry
from validators.publish.sdmx_edition import rebuild_sdmx, sha256
from validators.spec.lint import load_catalogue
from warehouse import pipeline

ROOT = Path(__file__).resolve().parents[3]
REQUESTS = ["04-migrant-stock", "40d-humanitarian-residence", "40f-covid-deaths", "40g-remittances",
            "40h-trafficking-victims"]


def real_edition(root: Path, requests: list[str]) -> Path:
    """A small edition published by the pipeline's functions from the committed extracts."""
    cat, problems = load_catalogue(ROOT / "specs", ROOT / "warehouse" / "landing")
    assert not problems
    db, reference = root / "w.duckdb", date(2025, 12, 31)
    for source in sorted({cat.requests[r].source for r in requests}):
        pipeline.load_one(db, cat, source, ROOT / "warehouse" / "landing", root / "key")
    tables, entries, fulfilments = {}, {}, {}
    for rid in requests:
        req = cat.requests[rid]
        info, table = pipeline.build_one(db, cat, rid, reference)
        ctx = TableContext(req, cat.sources[req.source], cat.codelists, info.expected, info.covered, info.fallback)
        checked = validate_table(ctx, table)
        decision = decide(req, ctx.source, info.expected, table, info.rows, info.findings + checked.all_findings,
                          info.fallback, data_until=info.data_until and info.data_until.isoformat())
        fulfilments[rid] = decision.fulfilment
        entries[rid] = request_entry(req, info.rows, info.files, cat.request_hash(rid), decision)
        if decision.published:
            tables[rid] = published_columns(table, ctx.dims)
    tables, _ = protect_edition(tables, cat.requests, cat.codelists)
    manifest = build_manifest("2025-12-31", "sdmxtest", [], dict(cat.hashes), entries, fulfilments)
    return publish_edition(root / "outputs", "2025-12-31", "sdmxtest", tables, [], manifest, cat)


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    return real_edition(tmp_path_factory.mktemp("sdmx"), REQUESTS)


@pytest.fixture
def copy(edition, tmp_path) -> Path:
    return Path(shutil.copytree(edition, tmp_path / edition.name))


def test_every_published_table_has_its_sdmx_csv_listed_in_the_manifest_with_its_sha256(edition):
    manifest = json.loads((edition / "manifest.json").read_text())
    published = sorted(r for r, i in manifest["requests"].items() if i["published"])
    assert published == REQUESTS
    files = manifest["sdmx"]["files"]
    assert sorted(files) == sorted(["sdmx/structure.xml"] + [f"sdmx/{r}.csv" for r in REQUESTS])
    assert all(sha256(edition / path) == digest for path, digest in files.items())
    assert set(files) <= set(manifest["files"])
    assert manifest["sdmx"]["agency"] == "LOIPR" and manifest["sdmx"]["formats"]["data"] == "SDMX-CSV 2.0"


def test_the_sample_edition_reads_back_and_every_observation_fits_its_dsd(edition):
    checked = check_edition_sdmx(edition)
    assert checked.problems == []
    assert checked.client.startswith("pysdmx ")
    assert checked.files == len(REQUESTS) and checked.dataflows == 30 and checked.codelists == 26
    rows = sum(len(pd.read_csv(edition / "tables" / f"{r}.csv")) for r in REQUESTS)
    assert checked.observations == rows > 0


def test_withheld_missing_estimated_and_provisional_cells_keep_their_rows_and_flags(edition):
    def read(rid: str) -> pd.DataFrame:
        return pd.read_csv(edition / "sdmx" / f"{rid}.csv", dtype=str, keep_default_na=False)

    deaths, residence, stock = read("40f-covid-deaths"), read("40d-humanitarian-residence"), read("04-migrant-stock")
    table = pd.read_csv(edition / "tables" / "40f-covid-deaths.csv", dtype=str, keep_default_na=False)
    withheld = deaths[deaths["CONF_STATUS"].isin(["C", "D"])]
    assert len(withheld) == table["conf_status"].isin(["C", "D"]).sum() > 0
    assert (withheld["OBS_VALUE"] == "").all()
    assert set(deaths["OBS_STATUS"]) - {""} >= {"A", "P"}
    missing = residence[residence["OBS_STATUS"] == "M"]
    assert len(missing) > 0 and (missing["OBS_VALUE"] == "").all() and set(missing["CONF_STATUS"]) == {"F"}
    assert set(stock["OBS_STATUS"]) - {""} == {"E"}


def test_table_notes_travel_as_the_data_sets_comment_and_requests_as_annotated_dataflows(edition):
    checked = check_edition_sdmx(edition)
    notes = checked.notes["DF_40H_TRAFFICKING_VICTIMS"]
    assert "the latest periods available instead: 2019 to 2021" in notes
    assert "the publisher's totals disagree with its parts, published as printed" in notes
    assert "published as provisional (obs_status P)" in checked.notes["DF_40F_COVID_DEATHS"]
    message = read_sdmx(edition / "sdmx" / "structure.xml")
    flow = message.get_dataflow("Dataflow=LOIPR:DF_40D_HUMANITARIAN_RESIDENCE(1.0)")
    kinds = {a.type: a for a in flow.annotations}
    assert kinds["PARAGRAPH"].title == "40(d)" and kinds["REQUEST_ID"].title == "40d-humanitarian-residence"
    assert {"PROXY", "UNAVAILABLE_BREAKDOWN", "UNIT_DEFINITION", "SOURCE"} <= set(kinds)
    sex = message.get_codelist("Codelist=LOIPR:CL_SEX(1.0)")
    assert [c.id for c in sex.codes] == ["F", "M", "_O", "_U", "_T"]


def test_a_table_with_secondary_suppressions_flagged_d_is_written_and_valid(copy):
    """Editions of contract v1 flag complementary suppressions D: whatever the table holds is carried."""
    path = copy / "tables" / "40f-covid-deaths.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    withheld = table.index[table["conf_status"] == "C"]
    table.loc[withheld[::2], "conf_status"] = "D"
    table.to_csv(path, index=False)
    rebuild_sdmx(copy, load_catalogue(ROOT / "specs")[0])
    sdmx = pd.read_csv(copy / "sdmx" / "40f-covid-deaths.csv", dtype=str, keep_default_na=False)
    assert set(sdmx["CONF_STATUS"]) - {""} == {"C", "D", "F"}
    assert (sdmx.loc[sdmx["CONF_STATUS"] == "D", "OBS_VALUE"] == "").all()
    assert check_edition_sdmx(copy).problems == []


def test_a_deliberately_broken_file_fails_the_validation(copy):
    path = copy / "sdmx" / "40f-covid-deaths.csv"
    sdmx = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = sdmx.index[sdmx["SEX"] != ""][0]
    sdmx.loc[first, "SEX"] = "X"                                           # not a code of CL_SEX
    sdmx.loc[first + 1, "OBS_STATUS"] = ""                                 # a mandatory attribute left out
    sdmx = pd.concat([sdmx, sdmx.loc[[first + 2]]], ignore_index=True)   # a key given twice
    withheld = sdmx.index[sdmx["CONF_STATUS"] == "C"][0]
    sdmx.loc[withheld, "OBS_VALUE"] = "2"                                  # a withheld cell with a value
    sdmx.to_csv(path, index=False)
    problems = check_edition_sdmx(copy).problems
    assert "40f-covid-deaths.csv: SEX 'X' is not a code of its codelist" in problems
    assert "40f-covid-deaths.csv: mandatory attribute OBS_STATUS is empty in 1 observation(s)" in problems
    assert any(p.startswith("40f-covid-deaths.csv: 2 observation(s) share a key (SEX, AGE, TIME_PERIOD)")
               for p in problems)
    assert "40f-covid-deaths.csv: a withheld observation (CONF_STATUS C or D) carries a value" in problems


def test_a_structure_that_breaks_the_sdmx_schema_is_refused_by_the_client(copy):
    path = copy / "sdmx" / "structure.xml"
    path.write_text(path.read_text().replace('assignmentStatus="Mandatory"', 'assignmentStatus="Always"', 1))
    with pytest.raises(Invalid):
        check_edition_sdmx(copy)


def test_loipr_sdmx_rebuilds_the_same_files_and_manifest_entry(copy):
    from flows.cli import app

    manifest = json.loads((copy / "manifest.json").read_text())
    shutil.rmtree(copy / "sdmx")
    result = CliRunner().invoke(app, ["sdmx", str(copy), "--specs", str(ROOT / "specs")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {copy / 'sdmx'}: structure.xml (30 dataflows, 26 codelists, agency "
                                    f"LOIPR) and 5 SDMX-CSV table(s)")
    rebuilt = json.loads((copy / "manifest.json").read_text())
    assert rebuilt["sdmx"] == manifest["sdmx"] and rebuilt["files"] == manifest["files"]


def test_loipr_sdmx_takes_the_offices_agency_and_refuses_one_that_is_no_sdmx_id(copy):
    from flows.cli import app

    bad = CliRunner().invoke(app, ["sdmx", str(copy), "--agency", "1 office"])
    assert bad.exit_code == 1
    assert "SDMX agency id '1 office' is not an SDMX id: start with a letter" in " ".join(bad.output.split())
    good = CliRunner().invoke(app, ["sdmx", str(copy), "--agency", "INEI"])
    assert good.exit_code == 0, good.output
    assert 'agencyID="LOIPR"' not in (copy / "sdmx" / "structure.xml").read_text()
    assert (copy / "sdmx" / "40g-remittances.csv").read_text().splitlines()[2].startswith(
        "dataflow,INEI:DF_40G_REMITTANCES(1.0),I,PER,")
    assert check_edition_sdmx(copy).problems == []


def test_loipr_sdmx_says_when_the_folder_is_no_edition(tmp_path):
    from flows.cli import app

    result = CliRunner().invoke(app, ["sdmx", str(tmp_path)])
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (f"no published edition at {tmp_path}: give its folder, e.g. "
                                               f"outputs/2025-12-31")


def test_loipr_sdmx_says_which_specs_changed_since_the_edition(copy):
    from flows.cli import app

    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["specs"]["specs/codelists/sex.yaml"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    result = CliRunner().invoke(app, ["sdmx", str(copy), "--specs", str(ROOT / "specs")])
    assert result.exit_code == 0, result.output
    assert ("note: 1 spec file(s) differ from the edition's (specs/codelists/sex.yaml): the structures follow "
            "the specs as they are now") in " ".join(result.output.split())
