"""Near-miss suggestions for stewards' typos: "did you mean 'sex'?"."""

from __future__ import annotations

import difflib


def suggestion(value: object, candidates: list[str]) -> str:
    """'; did you mean 'x'?' for a near miss, else the list of what is allowed."""
    close = difflib.get_close_matches(str(value), candidates, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    shown = ", ".join(sorted(candidates)[:12]) + (", ..." if len(candidates) > 12 else "")
    return f"; expected one of: {shown}" if candidates else ""
