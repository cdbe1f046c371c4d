"""The attacker's questions for each promise, and the attacker itself on a line worked by hand."""

from __future__ import annotations

import numpy as np

from validators.disclosure.lp import Attacker, Requirement, Task, new_highs, tasks_of


def test_each_promise_becomes_the_attackers_questions_and_a_bound_already_met_asks_none():
    assert tasks_of([Requirement(0, 2.0, upper=3, lower=3), Requirement(1, None, sliding=1),
                     Requirement(2, 5.0, upper=1, lower=1), Requirement(3, None, sliding=0),
                     Requirement(4, 4.0, upper=0, lower=0)]) == [
        Task(0, "up", 5.0), Task(0, "down", 0.0),  # 2 may be 5, and may be 0 (not merely 1)
        Task(1, "slide", 1), Task(2, "up", 6.0), Task(2, "down", 4.0)]


def test_the_attacker_reaches_a_goal_the_line_allows_and_not_one_beyond_it():
    # F + M = 10, both withheld: F (true 2) may be anything from 0 to 10, and no more
    attacker = Attacker(np.array([2.0, 8.0, 10.0]), [(2, np.array([0, 1]))])
    attacker.set_pattern(np.array([True, True, False]))
    assert attacker.check(Task(0, "up", 10.0)) is not None and attacker.check(Task(0, "up", 10.5)) is None
    assert attacker.check(Task(0, "down", 0.0)) is not None
    assert attacker.check(Task(0, "slide", 10.0)) is not None and attacker.check(Task(0, "slide", 10.5)) is None
    assert attacker.batch([Task(0, "up", 10.0), Task(1, "down", 0.0)]).keys() == {0, 1}


def test_creating_an_attacker_model_prints_nothing(capfd):
    new_highs().run()
    assert capfd.readouterr().out == ""
