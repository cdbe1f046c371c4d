"""Each request's entry in manifest.json: what the CLI's `editions` table and the review report read."""

from __future__ import annotations

import subprocess
from importlib.metadata import version
from pathlib import Path

from tests.catalogue import real_catalogue
from validators.decisions import Decision, Fulfilment, Status
from validators.publish import request_entry
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
