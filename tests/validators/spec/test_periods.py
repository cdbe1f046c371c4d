"""Period anchors in the committee's words, resolved against two reference dates."""

from datetime import date

import pytest

from validators.spec.periods import expected_periods, resolve_start


@pytest.mark.parametrize("reference, anchor, start", [
    (date(2026, 6, 30), "last-3-years", date(2023, 1, 1)),       # 2023, 2024, 2025: complete years
    (date(2026, 12, 31), "last-3-years", date(2024, 1, 1)),      # the reference year is complete
    (date(2026, 6, 30), "convention-in-force", date(2006, 1, 1)),
    (date(2026, 6, 30), "previous-concluding-observations", date(2015, 4, 1)),
    (date(2026, 6, 30), "visa-requirements-2019", date(2019, 6, 15)),
    (date(2026, 6, 30), "2020-03-01", date(2020, 3, 1)),
])
def test_anchor_resolution(reference, anchor, start):
    assert resolve_start(anchor, reference) == start


def test_last_three_years_as_periods_for_two_reference_dates():
    for reference, years in [(date(2026, 6, 30), ["2023", "2024", "2025"]),
                             (date(2026, 12, 31), ["2024", "2025", "2026"])]:
        assert expected_periods(resolve_start("last-3-years", reference), reference, "year") == years


def test_only_complete_periods_up_to_the_reference_date():
    start = resolve_start("previous-concluding-observations", date(2016, 5, 15))
    assert expected_periods(start, date(2016, 5, 15), "quarter") == ["2015-Q2", "2015-Q3", "2015-Q4", "2016-Q1"]
    assert expected_periods(start, date(2015, 6, 30), "month") == ["2015-04", "2015-05", "2015-06"]
