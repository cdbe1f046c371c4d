"""The bench's report of several rounds: each round's ratio and their median, word for word."""

from __future__ import annotations

from benchmarks.movements import spread


def _round(pipeline: float, bare: float) -> dict[str, dict]:
    return {"pipeline": {"load_s": pipeline - 1.0, "build_s": 1.0}, "bare": {"load_s": bare - 0.5, "build_s": 0.5}}


def test_the_ratios_of_every_round_are_listed_smallest_first_with_their_median():
    rounds = [_round(31.0, 10.0), _round(25.0, 10.0), _round(28.0, 10.0)]
    assert spread(rounds) == ["pipeline / bare, load+build over 3 rounds: 2.50x, 2.80x, 3.10x; median 2.80x"]


def test_without_the_pipeline_there_is_no_ratio_to_give():
    assert spread([{"bare": {"load_s": 9.0, "build_s": 1.0}}]) == []
