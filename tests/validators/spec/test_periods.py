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


def test_every_month_falls_in_its_quarter_and_every_period_ends_on_its_last_day():
    from validators.spec.periods import period_end, period_label

    assert [period_label(date(2024, m, 15), "quarter") for m in range(1, 13)] == \
        ["2024-Q1"] * 3 + ["2024-Q2"] * 3 + ["2024-Q3"] * 3 + ["2024-Q4"] * 3
    assert (period_label(date(2024, 3, 1), "month"), period_label(date(2024, 3, 1), "year")) == ("2024-03", "2024")
    assert [period_end(q) for q in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4")] == \
        [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31)]
    assert [period_end(m) for m in ("2024-02", "2023-02", "2024-11", "2024-12", "2024")] == \
        [date(2024, 2, 29), date(2023, 2, 28), date(2024, 11, 30), date(2024, 12, 31), date(2024, 12, 31)]


def test_a_period_ending_on_the_reference_date_is_complete_and_a_start_mid_period_counts_its_period():
    assert expected_periods(date(2024, 8, 20), date(2024, 12, 31), "quarter") == ["2024-Q3", "2024-Q4"]
    assert expected_periods(date(2024, 11, 30), date(2025, 1, 30), "month") == ["2024-11", "2024-12"]
    assert expected_periods(date(2023, 12, 31), date(2025, 12, 30), "year") == ["2023", "2024"]


def test_an_unknown_anchor_or_period_label_is_refused_by_name():
    from validators.spec.periods import period_end

    with pytest.raises(KeyError, match="last-4-years"):
        resolve_start("last-4-years", date(2026, 6, 30))
    with pytest.raises(ValueError, match="^not a period label: 2024-Q5$"):
        period_end("2024-Q5")
    with pytest.raises(KeyError):
        resolve_start("2020-3-1", date(2026, 6, 30))  # a date is written in full: 2020-03-01
