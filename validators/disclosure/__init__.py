"""Disclosure control of an edition: withhold the cells that could identify a person.

``protect_edition`` (``edition``) protects the tables of one source, measure and frequency
together (``linked``: the cells an attacker links across filters and crossings): confidential
cells and their hypercubes (``hypercube``), audited by an LP attacker over everything published
(``linkedattack`` on ``lp``'s warm HiGHS models) and reinforced until it fails (``group``).
``rules`` says which cells are confidential; ``attack`` (over ``space``) is the independent
attacker, hidden cube included, for tests and reviewers; ``findings`` tells reviewers.
"""

from .attack import attacker_intervals
from .edition import protect_edition
from .findings import disclosure_findings

__all__ = ["attacker_intervals", "disclosure_findings", "protect_edition"]
