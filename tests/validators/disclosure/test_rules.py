"""The threshold rule as a spec sets it and as the manifest records it, word for word."""

from __future__ import annotations

import pandas as pd
import pytest

from validators.disclosure.rules import DisclosureRule, primary_mask, rule_for


def test_a_threshold_below_the_floor_is_refused_with_both_figures():
    with pytest.raises(ValueError, match=r"^threshold 2 is below the floor 3$"):
        DisclosureRule(threshold=2)


@pytest.mark.parametrize("level", [{"protection_lower": 0}, {"protection_upper": 0}, {"protection_upper": -1}])
def test_a_protection_level_of_zero_or_less_is_refused(level):
    with pytest.raises(ValueError, match=r"^protection levels must be positive$"):
        DisclosureRule(threshold=5, **level)


def test_a_protection_level_below_one_is_allowed():
    rule = DisclosureRule(threshold=5, protection_lower=0.5, protection_upper=1)
    assert (rule.lower, rule.upper) == (0.5, 1.0)


def test_the_manifest_records_the_rule_its_parameters_and_its_description_word_for_word():
    assert rule_for(None, sensitive=True).manifest() == {
        "rule": "threshold", "threshold": 5, "protection_lower": 5.0, "protection_upper": 5.0,
        "zeros_disclose": False,
        "description": "threshold rule: counts from 1 to 4 withheld, with complementary cells so that no "
                       "withheld count can be narrowed to less than 5 below it (or 0) and 5 above it"}


def test_the_description_says_when_zeros_are_withheld_too():
    rule = DisclosureRule(threshold=4, protection_lower=2, protection_upper=3, zeros_disclose=True)
    assert rule.describe() == ("threshold rule: counts from 1 to 3 withheld; zeros withheld too, with complementary "
                               "cells so that no withheld count can be narrowed to less than 2 below it (or 0) and "
                               "3 above it")
    assert rule.manifest()["zeros_disclose"] is True


def test_a_spec_threshold_above_the_sensitive_default_is_kept_for_a_sensitive_table():
    assert rule_for(10, sensitive=True).threshold == 10
    assert rule_for(4, sensitive=True).threshold == 4  # the spec's word, not the default 5


def test_zeros_are_published_unless_the_spec_says_they_disclose():
    assert rule_for(None, sensitive=True).zeros_disclose is False
    assert rule_for(None, sensitive=False, zeros_disclose=True).zeros_disclose is True
    assert rule_for(7, sensitive=False, zeros_disclose=True).zeros_disclose is True


def test_primary_cells_are_the_counts_from_one_to_below_the_threshold_never_a_missing_value():
    df = pd.DataFrame({"obs_value": [0, 1, 2, 3, None, 40]}, dtype=object)
    assert primary_mask(df, DisclosureRule(threshold=3)).tolist() == [False, True, True, False, False, False]
    assert primary_mask(df, DisclosureRule(threshold=3, zeros_disclose=True)).tolist() == \
        [True, True, True, False, False, False]
