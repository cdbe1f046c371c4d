"""What disclosure control tells reviewers in findings.csv, word for word."""

from __future__ import annotations

from validators.disclosure import disclosure_findings
from validators.disclosure.edition import NOT_PROTECTED


def test_a_table_with_periods_withheld_whole_gets_a_warning_naming_its_cube_word_for_word():
    [found] = disclosure_findings({"40x-victims": {"audit": {"periods_withheld_whole": 2}}})
    assert (found.spec, found.check, found.severity, found.source_file) == \
        ("40x-victims", "disclosure_audit", "warning", "cube_40x-victims")
    assert found.message == ("2 period(s) withheld whole, grand totals included: no lesser suppression pattern "
                             "stopped an attacker from narrowing a confidential cell; see the manifest's "
                             "disclosure audit")


def test_a_magnitude_table_that_is_not_protected_gets_no_finding():
    assert disclosure_findings({"98-remittances": {"rule": NOT_PROTECTED},
                                "40y": {"audit": {"periods_withheld_whole": 0}}}) == []
