"""Run mutants against chosen test files in one process, and record the verdicts in mutmut's meta file.

mutmut's trampoline reads MUTANT_UNDER_TEST at every call, so one Python process can switch
mutants between pytest sessions: imports are paid once, not per mutant. Used for issue 15 where
`mutmut run` with its full test selection was too slow on 2 cores; a narrower selection can only
leave more survivors, so a score from it is a lower bound.
Run from mutants/ (after `mutmut run` has generated them):
  python ../benchmarks/mutation_recheck.py validators/spec/rules.py.meta validators.spec.rules tests/x.py ...
  [--only names.json] [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from pathlib import Path

import pytest


def verdict(name: str, tests: list[str]) -> int:
    """pytest's exit code with mutant `name` switched on: 1 = killed, 0 = survived."""
    os.environ["MUTANT_UNDER_TEST"] = name
    with contextlib.redirect_stdout(io.StringIO()):
        return int(pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("meta", type=Path)
    parser.add_argument("prefix")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--only", type=Path, help="a JSON list of mutant names (e.g. the survivors of a pass)")
    parser.add_argument("--write", action="store_true", help="record the verdicts in the meta file")
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())  # the mutated tree, not the installed one
    meta = json.loads(args.meta.read_text())
    names = [n for n in meta["exit_code_by_key"] if n.startswith(args.prefix)]
    if args.only:
        names = [n for n in names if n in set(json.loads(args.only.read_text()))]
    for name in names:
        meta["exit_code_by_key"][name] = verdict(name, args.tests)
        if meta["exit_code_by_key"][name] not in (0, 1):
            # a mutant that breaks a test module's import (exit 2: e.g. a module-level example
            # calling mutated code) leaves that module uncollectable in this process: every later
            # mutant would pass without its tests. The tests are imported afresh.
            for module in [m for m in sys.modules if m == "tests" or m.startswith("tests.")]:
                del sys.modules[module]
        print(name, meta["exit_code_by_key"][name], flush=True)
        if args.write:
            args.meta.write_text(json.dumps(meta))


if __name__ == "__main__":
    main()
