"""No tracebacks for users: every bad option or state is one line naming the option or file and the fix."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import flows.cli as cli

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from warehouse.runlock import run_lock
with run_lock(Path(sys.argv[1]), "loipr run -r 2025-12-31"):
    print("held", flush=True)
    time.sleep(120)
"""


def invoke(*args: str):
    result = runner.invoke(cli.app, list(args), terminal_width=400)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.output.split())


def common(project: Path) -> list[str]:
    return ["--specs", str(project / "specs"), "--landing", str(project / "landing"),
            "--db", str(project / "w.duckdb"), "--outputs", str(project / "out")]


def test_an_unknown_request_is_named_before_anything_starts(project):
    code, text = invoke("run", "-r", "2025-12-31", "--request", "nosuch", *common(project))
    assert code == 1
    assert text.startswith("--request: unknown request(s) nosuch; known: 04-children-left-behind, ")


def test_a_bad_reference_date(project):
    assert invoke("run", "-r", "x", *common(project)) == (
        1, "--reference-date: reference date 'x' is not written YYYY-MM-DD, e.g. 2025-12-31")


def test_an_unknown_source_and_a_source_with_no_file(project):
    code, text = invoke("load", "--source", "nosuch", *common(project))
    assert code == 1 and text.startswith("--source: unknown source(s) nosuch; known: ")
    shutil.rmtree(project / "landing" / "sunafil", ignore_errors=True)  # `make sample` may have written one
    code, text = invoke("load", "--source", "sunafil-complaints", *common(project))
    assert (code, text) == (1, f"sunafil-complaints: no file matches 'sunafil/denuncias_trabajadores_extranjeros_*.csv' "
                               f"in {project / 'landing'}; nothing loaded; deliver the extract there or correct the "
                               "source's path")


def test_a_missing_landing_folder_changes_nothing(project):
    assert invoke("load", "--source", "minsa-covid-deaths", *common(project))[0] == 0
    shutil.rmtree(project / "landing" / "minsa")
    code, text = invoke("load", "--source", "minsa-covid-deaths", *common(project))
    assert code == 1
    assert "minsa-covid-deaths minsa/fallecidos_covid_*.csv read 0 loaded 0 quarantined 0 source " \
           "minsa-covid-deaths: no file matches" in text
    assert text.endswith("nothing was changed. Restore the file(s), or confirm the removal with --allow-shrink")


def test_a_path_outside_the_landing_folder_stops_load_with_the_spec_line(project):
    spec = project / "specs" / "sources" / "minsa-covid-deaths.yaml"
    spec.write_text(spec.read_text().replace("path: minsa/fallecidos_covid_*.csv", "path: /etc/*"))
    code, text = invoke("load", "--source", "minsa-covid-deaths", *common(project))
    assert (code, text) == (1, "specs/sources/minsa-covid-deaths.yaml:10:7 path: '/etc/*' is not relative to the landing "
                               "folder; write it relative to it, e.g. 'minsa/fallecidos_covid_*.csv'")


def test_a_second_load_is_refused_while_a_run_holds_the_lock(project):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(project / "out")], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout.readline().strip() == "held"
        code, text = invoke("load", *common(project))
    finally:
        holder.kill(); holder.wait()
    assert code == 3
    assert text.startswith(f"another run holds {project / 'out.lock'}: loipr run -r 2025-12-31 (process ")


def test_a_full_disk_during_publish_is_one_line_and_exit_4(project, monkeypatch):
    import flows.fulfil

    def full(**kw):
        raise OSError(errno.ENOSPC, "No space left on device", str(project / "out" / ".staging-x" / "annex.xlsx"))

    monkeypatch.setattr(flows.fulfil, "fulfil", full)
    code, text = invoke("run", "-r", "2025-12-31", *common(project))
    assert code == 4
    assert text.endswith(f"could not write {project / 'out' / '.staging-x' / 'annex.xlsx'}: No space left on device; "
                         f"free disk space or make {project / 'out'} writable, then run again. The last published "
                         "edition is unchanged.")
    assert json.loads((project / "out.lock").read_text()) == {}  # released
