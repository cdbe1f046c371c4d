"""Hostile specs: bounded YAML refused at once, tags and impossible dates as problems, every source
path confined to the landing folder, one line per problem. Nothing outside the project is read."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from validators.spec.lint import load_catalogue
from validators.spec.yamlpos import Problem, load_located

SOURCE = "specs/sources/minsa-covid-deaths.yaml"
PATH_LINE = "path: minsa/fallecidos_covid_*.csv"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    # refused at once, not after gigabytes: measured in memory, which a busy machine does not change
    tracemalloc.start()
    try:
        located = load_located(path, "spec.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"{peak:,} bytes to read a {path.stat().st_size:,}-byte spec"
    return [str(p) for p in located.problems]


BOUND = ("spec.yaml:1:1 the document expands to more than 100,000 values (aliases *name repeat what &name "
         "anchors); write the values out, without nested aliases")


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefghi", "bcdefghij"))
    assert problems_of(tmp_path, bomb) == [BOUND]


def test_billion_laughs_is_refused_at_once(tmp_path):
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    assert problems_of(tmp_path, laughs) == [BOUND]


def test_deep_nesting_is_refused_at_once(tmp_path):
    expected = ["spec.yaml:1:1 the document is nested more than 50 levels deep; a spec needs far fewer"]
    assert problems_of(tmp_path, "a: " + "[" * 100_000 + "]" * 100_000 + "\n") == expected
    assert problems_of(tmp_path, "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v\n") == expected


def test_an_oversized_file_is_refused_without_parsing(tmp_path):
    assert problems_of(tmp_path, "asks: " + "x" * (2 << 20) + "\n") == [
        "spec.yaml:1:1 the file is 2,097,159 bytes, more than the 1,048,576 a spec may have; split it or remove "
        "what is not a spec"]


def test_a_python_tag_on_a_scalar_is_a_problem(tmp_path):
    assert problems_of(tmp_path, "id: x\nasks: !!python/object/apply:os.system ['ls']\n") == [
        "spec.yaml:2:7 asks: the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed in a spec; "
        "remove it and write the value plainly"]
    assert problems_of(tmp_path, "id: x\nasks: !!python/name:os.system ''\n") == [
        "spec.yaml:2:7 asks: the tag tag:yaml.org,2002:python/name:os.system is not allowed in a spec; "
        "remove it and write the value plainly"]


def test_an_unquoted_impossible_date_is_a_problem(tmp_path):
    assert problems_of(tmp_path, "period:\n  from: 2024-02-31\n") == [
        "spec.yaml:2:9 period.from: '2024-02-31' is not a date of the calendar (day is out of range for month); "
        "write a real date, e.g. '2024-02-29'"]


def test_a_newline_in_a_value_keeps_one_line_per_problem():
    problem = Problem("specs/x.yaml", 3, 7, "asks", "'first\nsecond' is not a known source")
    assert str(problem) == "specs/x.yaml:3:7 asks: 'first second' is not a known source"


def lint_with(project: Path, path_value: str, **edits: str) -> list[str]:
    source = project / SOURCE
    source.write_text(source.read_text(encoding="utf-8").replace(PATH_LINE, f"path: {path_value}"), encoding="utf-8")
    for rel, (old, new) in edits.items():
        spec = project / rel
        spec.write_text(spec.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    _, problems = load_catalogue(project / "specs", project / "landing")
    return [str(p) for p in problems]


def path_line(project: Path) -> int:
    return next(i for i, line in enumerate((project / SOURCE).read_text().splitlines(), 1) if line.startswith("path:"))


@pytest.mark.parametrize("hostile", ["../../../../../../etc/passwd", "minsa/../../../etc/*", "/etc/*", "~/x.csv"])
def test_a_path_outside_the_landing_folder_is_a_lint_error(project, hostile):
    (problem,) = lint_with(project, f"'{hostile}'")
    prefix = f"specs/sources/minsa-covid-deaths.yaml:{path_line(project)}:7 path: '{hostile}' "
    assert problem.startswith(prefix)
    assert problem.endswith("climbs out of the landing folder with '..'; write it relative to the landing folder") \
        or problem.endswith("is not relative to the landing folder; write it relative to it, e.g. "
                            "'minsa/fallecidos_covid_*.csv'")


def test_a_symlink_in_the_landing_folder_is_a_lint_error_unless_allowed(project, tmp_path):
    os.symlink("/etc/hostname", project / "landing" / "minsa" / "fallecidos_covid_2099-01.csv")
    (problem,) = lint_with(project, "minsa/fallecidos_covid_*.csv")
    assert "'minsa/fallecidos_covid_2099-01.csv' resolves to /etc/hostname, outside the landing folder" in problem
    (project / "landing" / "minsa" / "fallecidos_covid_2099-01.csv").unlink()
    os.symlink(project / "landing" / "minsa" / "fallecidos_covid_2020-06.csv",
               project / "landing" / "minsa" / "fallecidos_covid_2099-01.csv")
    (problem,) = lint_with(project, "minsa/fallecidos_covid_*.csv")
    assert problem.endswith("'minsa/fallecidos_covid_2099-01.csv' is a symbolic link; copy the extract into the "
                            "landing folder (or allow links: LOIPR_ALLOW_SYMLINKS=1)")
    assert load_catalogue(project / "specs", project / "landing", allow_symlinks=True)[1] == []


def test_a_quoted_impossible_period_date_fails_lint(project):
    rel = "specs/requests/04-children-left-behind.yaml"
    problems = lint_with(project, "minsa/fallecidos_covid_*.csv",
                         **{rel: ("from: previous-concluding-observations", "from: '2024-02-31'")})
    assert len(problems) == 1 and problems[0].endswith(
        "period.from: '2024-02-31' is not a day of the calendar; write a real date, e.g. '2024-02-01'")


def test_if_empty_must_be_a_code_of_the_codelist(project):
    rel = "specs/sources/iom-movements.yaml"
    problems = lint_with(project, "minsa/fallecidos_covid_*.csv", **{rel: ("if_empty: XXX", "if_empty: XXQ")})
    assert len(problems) == 1 and problems[0].startswith("specs/sources/iom-movements.yaml:37:")
    assert "columns[3].if_empty: 'XXQ' is not a code of 'nationality'" in problems[0]
