"""The dependency rule holds, and the import-linter contract that guards it would catch a breach."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120)


def copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("flows", "warehouse", "validators"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "landing"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_code():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_deliberate_breach_is_caught(tmp_path: Path):
    tree = copy_of_the_code(tmp_path)
    with (tree / "validators" / "spec" / "model.py").open("a") as fh:
        fh.write("\nimport warehouse.db  # noqa: E402,F401 - a deliberate breach\n")
    with (tree / "validators" / "review" / "report.py").open("a") as fh:
        fh.write("\nimport validators.publish  # noqa: E402,F401 - a cycle: publish -> review -> publish\n")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "validators.spec is a leaf: it imports nothing of ours BROKEN" in result.stdout
    assert "validators.spec.model -> warehouse.db" in result.stdout
    assert "No import cycles between sibling modules, at any depth BROKEN" in result.stdout


def test_every_validators_package_but_spec_is_kept_out_of_the_leaf():
    """A new subpackage of validators must be added to the contracts, or the leaf could import it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    leaf = next(c for c in config if c["source_modules"] == ["validators.spec"])
    children = {f"validators.{p.stem if p.is_file() else p.name}" for p in (ROOT / "validators").iterdir()
                if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert children - {"validators.spec"} <= set(leaf["forbidden_modules"])
