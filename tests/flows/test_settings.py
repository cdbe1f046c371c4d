"""Settings read once, and the reference date checked at the edge, before anything runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import BadReferenceDate, Settings, default_reference, parse_reference_date


def test_reference_date_is_strict():
    assert parse_reference_date("2025-12-31") == date(2025, 12, 31)
    with pytest.raises(BadReferenceDate, match=r"^reference date '20251231' is not written YYYY-MM-DD, e.g. 2025-12-31$"):
        parse_reference_date("20251231")
    with pytest.raises(BadReferenceDate, match=r"^reference date '2025-02-30' is not a day of the calendar$"):
        parse_reference_date("2025-02-30")
    assert default_reference(date(2026, 11, 30)) == date(2025, 12, 31)


def test_a_bad_reference_date_stops_the_run_before_anything_starts(tmp_path: Path):
    result = CliRunner().invoke(app, ["run", "-r", "20251231", "--outputs", str(tmp_path / "out"),
                                      "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert "--reference-date: reference date '20251231' is not written YYYY-MM-DD, e.g. 2025-12-31" in result.output
    assert not (tmp_path / "w.duckdb").exists() and not (tmp_path / "out").exists()


def test_environment_overrides_the_defaults():
    s = Settings.from_env({"LOIPR_DB": "/srv/loipr/w.duckdb"})
    assert s.db == Path("/srv/loipr/w.duckdb") and s.specs == Path("specs")
    assert s.with_paths(specs="other", db=None).specs == Path("other")
