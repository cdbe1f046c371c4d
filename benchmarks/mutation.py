"""Mutation score per module from mutmut's results in mutants/ (`make mutate` prints it).

A mutant is a small planted bug (a flipped comparison, a dropped argument, a changed constant);
it is killed when a test fails on it. Score = killed (or timed out) / mutants tested. Survivors
listed in tests/mutation_survivors.md with a reason (equivalent or harmless) are accepted and
counted apart; every other survivor is printed, to be killed by a test.
Run: python -m benchmarks.mutation [--survivors] [module-prefix ...]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "tests" / "mutation_survivors.md"
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def results(mutants: Path) -> dict[str, str]:
    """mutant name (module.x_function__mutmut_N) -> status."""
    out = {}
    for meta in mutants.rglob("*.meta"):
        for name, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
            out[name] = STATUS.get(code, "suspicious")
    return out


def accepted_survivors(path: Path = ACCEPTED) -> dict[str, str]:
    """`- module.x_function__mutmut_N: reason` lines of the reviewed list."""
    if not path.exists():
        return {}
    found = re.findall(r"^- `?([\w.]+__mutmut_\d+)`?: (.+)$", path.read_text(), re.MULTILINE)
    return dict(found)


def module_of(name: str) -> str:
    """The module of a mutant: `warehouse.readers.xlsx.x_stage__mutmut_3` -> warehouse.readers.xlsx
    (a module whose name starts with x is not cut at its own name; methods are `xǁClassǁname`)."""
    found = re.match(r"(.+?)\.x[_ǁ]", name)
    return found.group(1) if found else name.rsplit(".", 1)[0]


def table(status: dict[str, str], accepted: dict[str, str]) -> list[dict]:
    rows = []
    for module in sorted({module_of(n) for n in status}):
        mine = {n: s for n, s in status.items() if module_of(n) == module}
        c = Counter(mine.values())
        tested = sum(v for k, v in c.items() if k not in ("not checked", "skipped"))
        if not tested:
            continue
        ok = c["killed"] + c["timeout"]
        acc = sum(1 for n, s in mine.items()
                  if s not in ("killed", "timeout", "not checked", "skipped") and n in accepted)
        rows.append({"module": module, "tested": tested, "killed": ok, "accepted": acc,
                     "survived": tested - ok - acc, "not_run": c["not checked"],
                     "score": ok / tested, "score_accepted": (ok + acc) / tested})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefixes", nargs="*", help="only modules starting with these (warehouse.cube ...)")
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants")
    parser.add_argument("--survivors", action="store_true", help="list the survivors not accepted")
    args = parser.parse_args()
    status = {n: s for n, s in results(args.mutants).items()
              if not args.prefixes or any(n.startswith(p) for p in args.prefixes)}
    accepted = accepted_survivors()
    rows = table(status, accepted)
    print(f"{'module':40} {'tested':>6} {'killed':>6} {'accepted':>8} {'survived':>8} {'score':>6} {'+acc':>6}")
    for r in rows:
        print(f"{r['module']:40} {r['tested']:6} {r['killed']:6} {r['accepted']:8} {r['survived']:8} "
              f"{r['score']:6.0%} {r['score_accepted']:6.0%}")
    tested = sum(r["tested"] for r in rows)
    killed, acc = sum(r["killed"] for r in rows), sum(r["accepted"] for r in rows)
    if tested:
        print(f"{'overall':40} {tested:6} {killed:6} {acc:8} {tested - killed - acc:8} "
              f"{killed / tested:6.0%} {(killed + acc) / tested:6.0%}")
    not_run = sum(r["not_run"] for r in rows)
    if not_run:
        print(f"({not_run} mutants of these modules not run yet)")
    if args.survivors:
        for name, s in sorted(status.items()):
            if s not in ("killed", "timeout", "not checked", "skipped") and name not in accepted:
                print(f"{s}: {name}")


if __name__ == "__main__":
    main()
