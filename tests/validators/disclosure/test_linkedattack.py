"""The audit's proofs: a solution that shows a promise kept still shows it once another withheld
cell is published, if it kept that cell at its true value."""

from __future__ import annotations

import numpy as np

from validators.disclosure.linkedattack import still_shown


def test_a_proof_that_kept_the_cell_at_its_value_still_holds_when_the_cell_is_published():
    cols, values = np.array([2, 5, 9]), np.array([7.0, 12.0, 0.0])
    assert still_shown([(cols, values)], 5, 12.0)
    assert still_shown([(cols, values)], 4, 3.0)  # another part of the system


def test_a_proof_that_moved_the_cell_must_be_made_again():
    cols, values = np.array([2, 5, 9]), np.array([7.0, 12.0, 0.0])
    assert not still_shown([(cols, values)], 5, 10.0)
    assert not still_shown([(cols, np.array([7.0, 10.0, 0.0])), (cols, values)], 5, 12.0)  # every proof counts
