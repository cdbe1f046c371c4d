"""Steward-facing spec errors: every mistake in one pass, with file:line:column, key and fix."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from validators.spec.lint import load_catalogue

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "specs_bad"
ROOT = Path(__file__).resolve().parents[3]


def _specs_with(tmp_path: Path, *names: str) -> Path:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    for name in names:
        shutil.copy(FIXTURES / name, specs / "requests" / name)
    return specs


def test_the_real_catalogue_is_clean():
    catalogue, problems = load_catalogue(ROOT / "specs")
    assert problems == []
    assert catalogue.requests and catalogue.sources and catalogue.codelists


def test_misspelt_dimension_duplicate_key_and_unknown_source_in_one_pass(tmp_path):
    _, problems = load_catalogue(_specs_with(tmp_path, "bad-request.yaml"))
    lines = [str(p) for p in problems]
    assert "specs/requests/bad-request.yaml:6:9 source: 'minsa-covid-death' is not a known source; did you mean 'minsa-covid-deaths'?" in lines
    assert "specs/requests/bad-request.yaml:12:5 breakdowns[0]: 'sexe' is not a known dimension; did you mean 'sex'?" in lines
    assert "specs/requests/bad-request.yaml:17:1 period: duplicate key 'period' (first at line 14); keep one of them" in lines


def test_unknown_keys_suggest_the_right_one(tmp_path):
    _, problems = load_catalogue(_specs_with(tmp_path, "typo-keys.yaml"))
    lines = [str(p) for p in problems]
    assert "specs/requests/typo-keys.yaml:11:1 breakdown: unknown key 'breakdown'; did you mean 'breakdowns'?" in lines
    assert "specs/requests/typo-keys.yaml:15:3 period.frequncy: unknown key 'frequncy'; did you mean 'frequency'?" in lines
    assert any(line.startswith("specs/requests/typo-keys.yaml:14:9 period.from: 'since-forever' is neither a date")
               for line in lines)


def test_loipr_lint_prints_every_problem_exits_non_zero_and_does_not_start_prefect(tmp_path):
    specs = _specs_with(tmp_path, "bad-request.yaml", "typo-keys.yaml")
    code = ("import sys; from flows.cli import app; sys.argv=['loipr','lint','--specs',sys.argv[1]];"
            "\ntry: app()\nexcept SystemExit as e: print('prefect' in sys.modules, file=sys.stderr); raise")
    proc = subprocess.run([sys.executable, "-c", code, str(specs)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stdout.count("specs/requests/") == 8
    assert "8 problem(s) in the specs" in proc.stderr
    assert proc.stderr.strip().endswith("False")  # prefect was never imported


def test_yaml_syntax_error_is_located(tmp_path):
    specs = _specs_with(tmp_path)
    (specs / "requests" / "broken.yaml").write_text("id: broken\nasks: [unclosed\n")
    _, problems = load_catalogue(specs)
    assert [str(p).split(" ")[0] for p in problems if "broken.yaml" in p.file][0].startswith("specs/requests/broken.yaml:")
    assert any("not valid YAML" in p.message for p in problems)


def test_group_small_mistakes_name_the_key_and_the_fix(tmp_path):
    _, problems = load_catalogue(_specs_with(tmp_path, "bad-grouping.yaml", "bad-grouping-aggregate.yaml"))
    lines = [str(p) for p in problems]
    assert ("specs/requests/bad-grouping.yaml:13:8 group_small.age: 'age' is not among the breakdowns; "
            "expected one of: direction, nationality") in lines
    assert ("specs/requests/bad-grouping.yaml:12:14 group_small.direction: codelist 'direction' has no code '_O' to "
            "publish the grouped codes under; add one to specs/codelists/direction.yaml, e.g. "
            "{code: _O, en: Other, es: Otros}") in lines
    assert ("specs/requests/bad-grouping-aggregate.yaml:10:16 group_small.nationality: source 'iom-movements' "
            "publishes its own cells, which cannot be regrouped; remove group_small") in lines
    differently = ("group_small.nationality: the requests of source 'migraciones-movements' group 'nationality' "
                   "differently (04-labour-movements: below 1000; 04-returns: below 1000; 40a-movements: below 1000; "
                   "bad-grouping: below 500): subtracting one table from another would give the rare codes back; "
                   "use the same group_small.nationality in all of them")
    assert f"specs/requests/bad-grouping.yaml:11:16 {differently}" in lines
    assert f"specs/requests/40a-movements.yaml:39:16 {differently}" in lines  # each side is told
    assert len(lines) == 7
