"""Run mutants against chosen test files in one process, and record the verdicts in mutmut's meta file.

mutmut's trampoline reads MUTANT_UNDER_TEST at every call, so one Python process can switch
mutants between pytest sessions: imports are paid once, not per mutant. Used for issue 15 where
`mutmut run` with its full test selection was too slow on 2 cores; a narrower selection can only
leave more survivors, so a score from it is a lower bound.
Run from mutants/ (after `mutmut run` has generated them):
  python ../benchmarks/mutation_recheck.py validators/spec/rules.py.meta validators.spec.rules tests/x.py ...
  [--only names.json] [--pending] [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
from pathlib import Path

import pytest


class MutantTimeout(Exception):
    """Raised in the running test when a mutant takes longer than --timeout (a loop that never ends)."""


def verdict(name: str, tests: list[str], timeout: int = 0) -> int:
    """pytest's exit code with mutant `name` switched on: 1 = killed, 0 = survived, 36 = timed out."""
    os.environ["MUTANT_UNDER_TEST"] = name
    fired = []

    def alarm(*_):
        fired.append(True)
        raise MutantTimeout(name)

    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            # --tb=no: formatting a failure reads the mutated module's source (every mutant of it), which
            # took ~20 s for warehouse/loadsql.py, against ~1 s for the tests themselves
            code = int(pytest.main([*tests, "-x", "-q", "--tb=no", "-p", "no:cacheprovider", "-p", "no:randomly"]))
    finally:
        signal.alarm(0)
    return 36 if fired else code  # 36: mutmut's timeout status, counted with the killed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("meta", type=Path)
    parser.add_argument("prefix")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--only", type=Path, help="a JSON list of mutant names (e.g. the survivors of a pass)")
    parser.add_argument("--write", action="store_true", help="record the verdicts in the meta file")
    parser.add_argument("--pending", action="store_true", help="only the mutants with no verdict yet")
    parser.add_argument("--timeout", type=int, default=0, help="seconds a mutant may run (0: no limit)")
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())  # the mutated tree, not the installed one
    meta = json.loads(args.meta.read_text())
    names = [n for n in meta["exit_code_by_key"] if n.startswith(args.prefix)]
    if args.only:
        names = [n for n in names if n in set(json.loads(args.only.read_text()))]
    if args.pending:
        names = [n for n in names if meta["exit_code_by_key"][n] is None]
    for name in names:
        meta["exit_code_by_key"][name] = verdict(name, args.tests, args.timeout)
        if meta["exit_code_by_key"][name] not in (0, 1, 36):  # 36: timed out
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
