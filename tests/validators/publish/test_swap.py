"""Publishing replaces an edition whole: the old one stays until the new one is in place, and a run
killed between the two renames gets the old edition back, byte for byte, on the next run."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from validators.decisions import Fulfilment, Status
from validators.publish import build_manifest, publish_edition, published_columns, recover_editions
from validators.publish.edition import edition_dir, swap_into_place
from validators.spec.findings import FINDING_COLUMNS, finding

EDITION = "2024-12-31"


def table(f: int, m: int) -> pd.DataFrame:
    return pd.DataFrame({"time_period": "2024", "sex": ["F", "M", "_T"], "obs_value": [f, m, f + m],
                         "unit_measure": "PS", "obs_status": "A", "conf_status": ["F", "F", "F"]})


def publish(outputs: Path, run_id: str, t: pd.DataFrame) -> Path:
    f = Fulfilment("40h-victims", Status.DELIVERED, ["sex"], ["sex"])
    info = {"paragraph": ["40h"], "title": {"en": "Victims"}, "source": "s", "rows": len(t), "published": True,
            "source_files": [], "spec_sha256": "x", "errors": 0, "warnings": 0}
    manifest = build_manifest(EDITION, run_id, [], {}, {"40h-victims": info}, {"40h-victims": f})
    return publish_edition(outputs, EDITION, run_id, {"40h-victims": t}, [], manifest)


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def published(tmp_path) -> tuple[Path, dict[str, str]]:
    outputs = tmp_path / "out"
    folder = publish(outputs, "run-1", table(6, 7))
    return outputs, hashes(folder)


def test_a_new_edition_replaces_the_old_whole_and_leaves_no_leftovers(published):
    outputs, old = published
    folder = publish(outputs, "run-2", table(8, 9))
    assert hashes(folder) != old
    assert "8,PS" in (folder / "tables" / "40h-victims.csv").read_text().replace('"', "")
    assert sorted(p.name for p in outputs.iterdir()) == [EDITION]


def test_publishing_keeps_the_old_edition_until_the_new_one_is_in_place(published):
    outputs, old = published
    target = outputs / EDITION
    with pytest.raises(FileNotFoundError):  # the second rename fails: nothing staged to move in
        swap_into_place(outputs / ".staging-gone", target)
    assert not target.exists()
    assert hashes(outputs / f".previous-{EDITION}") == old  # set aside, not deleted
    assert recover_editions(outputs) == [EDITION]
    assert hashes(target) == old


def test_crash_recovery_restores_the_old_edition_instead_of_deleting_it(published):
    outputs, old = published
    (outputs / EDITION).rename(outputs / f".previous-{EDITION}")  # killed between the two renames
    assert recover_editions(outputs) == [EDITION]
    assert hashes(outputs / EDITION) == old
    assert not (outputs / f".previous-{EDITION}").exists()


def test_a_run_after_a_crash_between_the_renames_publishes_the_old_edition_if_it_fails(published):
    outputs, old = published
    (outputs / EDITION).rename(outputs / f".previous-{EDITION}")
    unwritable = table(1, 2).assign(obs_value=[1, "two", {3}])  # no format can write it: staging fails
    with pytest.raises(ValueError):  # pyarrow's ArrowInvalid
        publish(outputs, "run-2", unwritable)
    assert hashes(outputs / EDITION) == old
    assert sorted(p.name for p in outputs.iterdir()) == [EDITION]


def test_a_leftover_backup_beside_a_published_edition_is_removed_and_the_edition_kept(published):
    outputs, old = published
    stale = outputs / f".previous-{EDITION}"
    stale.mkdir()
    (stale / "manifest.json").write_text("{}")
    assert recover_editions(outputs) == []
    assert not stale.exists() and hashes(outputs / EDITION) == old


@pytest.mark.parametrize("name", ["../2024-12-31", "2024-12-31/..", "latest", "2024-1-31"])
def test_an_edition_name_that_is_not_a_reference_date_is_refused(tmp_path, name):
    with pytest.raises(ValueError, match="must be a reference date YYYY-MM-DD"):
        edition_dir(tmp_path, name)


def test_withheld_cells_leave_no_value_and_internal_columns_never_leave():
    t = table(1, 7).assign(conf_status=["C", "D", "F"], _upper=[4, 9, 9])
    out = published_columns(t, ["sex"])
    assert list(out.columns) == ["time_period", "sex", "obs_value", "unit_measure", "obs_status", "conf_status"]
    assert out["obs_value"].isna().tolist() == [True, True, False]


# ------------------------------------------------------------------ what the staged edition holds
def victims_edition(outputs: Path, findings: list, **kw) -> Path:
    from tests.catalogue import real_catalogue

    cat = real_catalogue()
    req = cat.requests["40h-trafficking-victims"]
    dims = [d for d, _ in req.delivered_dimensions()]
    rows = [{"time_period": "2019", **{d: "_T" for d in dims}, "obs_value": v, "unit_measure": "PS",
             "obs_status": "A", "conf_status": "F"} for v in (10.0, 4.0, 6.0)]
    rows[1]["sex"], rows[2]["sex"] = "F", "M"
    f = Fulfilment(req.id, Status.DELIVERED, dims, dims)
    info = {"paragraph": req.paragraphs, "title": req.title.model_dump(), "source": req.source, "rows": 3,
            "published": True, "source_files": [], "spec_sha256": "x", "errors": 0, "warnings": 0}
    manifest = {**build_manifest(EDITION, "run-1", [], {}, {req.id: info}, {req.id: f}),
                "checked_on": date(2025, 1, 2)}
    return publish_edition(outputs, EDITION, "run-1", {req.id: pd.DataFrame(rows)}, findings, manifest, **kw)


def test_the_edition_holds_its_tables_findings_reviewer_files_and_a_manifest_listing_them(tmp_path):
    from tests.catalogue import real_catalogue

    gap = finding("total_equals_parts", "40h-trafficking-victims", row=5059, column="sex", value=3,
                  severity="warning", detail="total over sex is 3 but its parts add up to 4")
    stale = tmp_path / "a" / "out" / f".staging-{EDITION}-killed-run"  # left by a run killed while staging
    stale.mkdir(parents=True)
    (stale / "findings.csv").write_text("x")
    folder = victims_edition(tmp_path / "a" / "out", [gap, finding("period_coverage", "r", detail="no data")],
                             catalogue=real_catalogue())
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert on_disk == ["annex.xlsx", "findings.csv", "manifest.json", "report.html",
                       "tables/40h-trafficking-victims.csv", "tables/40h-trafficking-victims.parquet",
                       "validation/index.html"]
    text = (folder / "manifest.json").read_text()
    manifest = json.loads(text)
    assert manifest["files"] == on_disk
    assert text.startswith('{\n  "manifest_version": ')  # indented for a reviewer's eyes
    assert '"Víctimas' in text and '"checked_on": "2025-01-02"' in text  # Spanish as written; dates as text
    findings = pd.read_csv(folder / "findings.csv", dtype=str, keep_default_na=False)
    assert list(findings.columns) == FINDING_COLUMNS
    assert findings["row"].tolist() == ["5059", ""]  # whole row numbers, empty where none applies
    assert not stale.exists()


def test_without_a_catalogue_no_reviewer_files_are_written_and_missing_parent_folders_are_made(tmp_path):
    folder = victims_edition(tmp_path / "new" / "outputs", [])
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == [
        "40h-trafficking-victims.csv", "40h-trafficking-victims.parquet", "findings.csv", "manifest.json"]
