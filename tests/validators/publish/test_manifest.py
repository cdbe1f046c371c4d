"""Each request's entry in manifest.json: what the CLI's `editions` table and the review report read."""

from __future__ import annotations

import subprocess
from importlib.metadata import version
from pathlib import Path

from tests.catalogue import real_catalogue
from validators.decisions import Decision, Fulfilment, Status
from validators.publish import build_manifest, request_entry
from validators.publish.manifest import code_version


def test_a_request_entry_states_its_spec_hash_checks_and_reconciliation():
    req = real_catalogue().requests["40a-movements"]
    fulfilled = Fulfilment("40a-movements", Status.DELIVERED, ["sex"], ["sex"])
    reconciled = {"totals": 3, "equal": 3}
    entry = request_entry(req, 12, ["iom/a.csv"], "abc123", Decision(fulfilled, True, 0, 2, reconciled))
    assert {k: entry[k] for k in ("source", "rows", "published", "source_files", "spec_sha256", "errors",
                                  "warnings", "reconciliation")} == {
        "source": req.source, "rows": 12, "published": True, "source_files": ["iom/a.csv"], "spec_sha256": "abc123",
        "errors": 0, "warnings": 2, "reconciliation": reconciled}
    failed = request_entry(req, 0, [], "abc123", Decision(fulfilled, False, 1, 0))
    assert (failed["errors"], failed["published"]) == (1, False) and "reconciliation" not in failed


def test_the_code_version_names_the_commit_whatever_the_working_folder(tmp_path, monkeypatch):
    here = Path(__file__).parent
    sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=here).stdout.strip()
    assert sha  # the suite runs in a git checkout
    monkeypatch.chdir(tmp_path)  # a flow started from another folder (a Prefect worker) still names our commit
    assert code_version() == f"loipr-stats {version('loipr-stats')} ({sha})"


def test_the_manifest_dates_the_edition_and_carries_each_requests_fulfilment():
    fulfilled = Fulfilment("40a-movements", Status.PARTIAL, ["sex", "age"], ["sex"], missing_periods=["2022"])
    inputs = [{"file": "iom/a.csv", "sha256": "f00"}]
    m = build_manifest("2025-12-31", "run-1", inputs, {"40a-movements": "abc"}, {"40a-movements": {"rows": 3}},
                       {"40a-movements": fulfilled}, {"disclosure": {"tables": 1}})
    assert (m["manifest_version"], m["edition"], m["reference_date"], m["run_id"]) == (2, "2025-12-31", "2025-12-31",
                                                                                      "run-1")
    assert (m["inputs"], m["specs"], m["disclosure"]) == (inputs, {"40a-movements": "abc"}, {"tables": 1})
    entry = m["requests"]["40a-movements"]
    assert entry["rows"] == 3 and entry["fulfilment"]["status"] == "partial"
    assert entry["fulfilment"]["missing_periods"] == ["2022"]
    assert m["counts"]["partial"] == 1 and m["code_version"] == code_version()


def test_without_git_the_code_version_is_the_package_version_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an installed copy on a server without git
    assert code_version() == f"loipr-stats {version('loipr-stats')}"


def test_the_manifest_is_stamped_in_utc():
    from datetime import datetime, timedelta, timezone

    m = build_manifest("2025-12-31", "run-1", [], {}, {}, {})
    created = datetime.fromisoformat(m["created_at"])
    assert created.utcoffset() == timedelta(0) and m["created_at"].endswith("+00:00")
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=1)
