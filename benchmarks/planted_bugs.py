"""The bugs of issue 15 that survived the old suite, planted one at a time in a scratch copy of the
repository: each must make its named test fail. `make mutate` runs it after mutmut.

Run: python -m benchmarks.planted_bugs   (exit 1 if a planted bug survives)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (what a user would suffer, file, text, replacement, the test that must fail)
BUGS = [
    ("age from the birth date negated", "warehouse/loadsql.py",
     "date_sub('year', {date_expr(raw, col.formats, p)}, {at})", "date_sub('year', {at}, {date_expr(raw, col.formats, p)})",
     "tests/warehouse/test_ages.py::test_age_is_the_years_completed_on_the_day_of_the_movement"),
    ("infants (age 0) quarantined by an off-by-one", "warehouse/loadsql.py",
     "WHEN {b} > {a} OR {v} > 130", "WHEN {b} > {a} OR {v} < 1 OR {v} > 130",
     "tests/warehouse/test_ages.py::test_infants_of_age_zero_are_loaded_not_quarantined"),
    ("age 17 falls out of the 0-17 band", "warehouse/cube.py",
     "AND {quote(column)} <= {bind(c.max)}", "AND {quote(column)} < {bind(c.max)}",
     "tests/warehouse/test_ages.py::test_each_age_falls_in_its_band_children_0_to_17"),
    ("a snapshot source built from its oldest release", "warehouse/cube.py",
     "SELECT max(_file)", "SELECT min(_file)",
     "tests/warehouse/test_snapshot_release.py::test_snapshot_source_is_built_from_its_newest_release_not_the_oldest"),
    ("additivity flags only totals above their parts", "validators/checks/additivity.py",
     'bad = row["obs_value"] < row["_lo_parts"] or row["obs_value"] > row["_hi_parts"]',
     'bad = row["obs_value"] > row["_hi_parts"]',
     "tests/validators/checks/test_table_checks.py::test_additivity_flags_a_total_below_or_above_the_sum_of_its_parts"),
    ("the unique-key check dropped from the table schema", "validators/checks/registry.py",
     'Check("unique_key", _unique_pa, _unique_gx)', 'Check("unique_key", None, _unique_gx, not_in_pandera="x")',
     "tests/validators/checks/test_table_checks.py::test_unique_key_check_is_part_of_the_table_schema"),
    ("a table lacking an asked breakdown reported delivered", "validators/decisions.py",
     "elif missing or gaps or req.proxy is not None:", "elif gaps or req.proxy is not None:",
     "tests/validators/test_decisions.py::test_a_table_lacking_an_asked_breakdown_is_not_reported_delivered_even_with_every_period"),
    ("a sensitive table loses its stricter threshold", "validators/disclosure/rules.py",
     "SENSITIVE_THRESHOLD = 5", "SENSITIVE_THRESHOLD = 3",
     "tests/validators/test_sensitive_tables.py::test_a_request_declared_sensitive_without_a_threshold_withholds_a_count_of_4"),
    ("publishing deletes the old edition before the new one is in place", "validators/publish/edition.py",
     "        target.rename(previous)", "        shutil.rmtree(target)",
     "tests/validators/publish/test_swap.py::test_publishing_keeps_the_old_edition_until_the_new_one_is_in_place"),
    ("crash recovery deletes the backup instead of restoring it", "validators/publish/edition.py",
     "            previous.rename(target)", "            shutil.rmtree(previous)",
     "tests/validators/publish/test_swap.py::test_crash_recovery_restores_the_old_edition_instead_of_deleting_it"),
]


def scratch_copy() -> Path:
    """The tracked files of HEAD's tree as they are now, without git-ignored data or mutants/."""
    folder = Path(tempfile.mkdtemp(prefix="planted-"))
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for rel in files:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return folder


def main() -> int:
    folder = scratch_copy()
    survived = []
    try:
        for what, rel, old, new, test in BUGS:
            path = folder / rel
            original = path.read_text()
            if original.count(old) != 1:
                print(f"?  {what}: the text to change is not in {rel} once (the code moved): update BUGS")
                survived.append(what)
                continue
            path.write_text(original.replace(old, new))
            try:
                run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly",
                                      "-p", "no:cacheprovider", test], cwd=folder, capture_output=True, text=True,
                                     check=False, env={**os.environ, "PYTHONPATH": str(folder),
                                          "PREFECT_HOME": tempfile.mkdtemp()})
            finally:
                path.write_text(original)
            killed = run.returncode == 1
            print(f"{'killed  ' if killed else 'SURVIVED'} {what}  <- {test.split('::')[1]}")
            if not killed:
                survived.append(what)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(BUGS) - len(survived)} of {len(BUGS)} planted bugs killed")
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main())
