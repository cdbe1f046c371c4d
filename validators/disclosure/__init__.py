"""Disclosure control of an edition: withhold the cells that could identify a person.

``protect_edition`` withholds each table's small counts (primary, flagged C) and, at least cost,
the complementary cells (flagged D) that stop them being narrowed down from everything the
edition publishes; tables of one source are protected jointly. ``attacker_intervals`` is the
independent LP attacker that audits a published pattern; ``disclosure_findings`` turns
``protect_edition``'s report into findings for reviewers.

A new disclosure method goes in ``rules`` (which cells are confidential and the protection they
are promised, as ``protect._classify`` turns into solver requirements), chosen per request in
``edition``. The other modules: ``protect`` (the promise; suppression of tables protected
together), ``space`` (cells and their equations), ``solver``, ``milp`` and ``lp`` (secondary
suppression: the cut loop, the MILP, the attacker LP), ``fallback`` (the safe pattern when time
runs out), ``attack`` (the audit attacker), ``findings``.
"""

from .attack import attacker_intervals
from .edition import protect_edition
from .findings import disclosure_findings

__all__ = ["attacker_intervals", "disclosure_findings", "protect_edition"]
