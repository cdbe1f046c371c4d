"""The ages a source label speaks of, against the range of the code it is recoded to.

'EF_DE 30 A 59 AÑOS' holds ages 30-59; recoded to Y0T17 (0-17) it would count adults as children.
Numbers glued to letters ('F1_', 'P3_') are slice prefixes, not ages. 'MENOR DE 18', 'under 18',
'<18' mean up to 17; '60 A MAS', '65+' mean 60 or more.
"""

from __future__ import annotations

import re

from .model import Codelist

_NUMBER = re.compile(r"(?<![A-Za-z0-9])(\d{1,3})(?![A-Za-z0-9])")
_BELOW = re.compile(r"(?:menor(?:es)?\s+de|menos\s+de|under|less\s+than|below|<)\s*(\d{1,3})", re.IGNORECASE)


def label_ages(label: str) -> tuple[int, int | None] | None:
    """Lowest and highest age the label names (None: open-ended), or None if it names no age."""
    below = _BELOW.search(label)
    if below:
        return 0, int(below.group(1)) - 1
    numbers = [int(n) for n in _NUMBER.findall(label)]
    if not numbers:
        return None
    if len(numbers) == 1 and re.search(r"(\+|\bmas\b|\bmás\b|\bover\b|\bor more\b|\bo más\b|\by más\b)",
                                       label, re.IGNORECASE):
        return numbers[0], None
    return min(numbers), max(numbers)


def label_range_problem(label: str, code: str, codelist: Codelist) -> str | None:
    """An error message when the label's ages fall outside the code's min-max, else None."""
    target = next((c for c in codelist.codes if c.code == code), None)
    ages = label_ages(label)
    if target is None or target.min is None or ages is None:
        return None
    low, high = ages
    top = float("inf") if target.max is None else target.max
    if low >= target.min and (high if high is not None else float("inf")) <= top:
        return None
    said = f"{low}-{high}" if high is not None else f"{low} or more"
    band = f"{target.min}-{target.max}" if target.max is not None else f"{target.min} or more"
    fits = [c.code for c in codelist.codes if c.min is not None and c.min <= low
            and (c.max is None or (high is not None and high <= c.max))]
    hint = f"; did you mean '{fits[0]}'?" if fits else ""
    return f"'{label}' speaks of ages {said}, outside {code} ({band}) of '{codelist.id}'{hint}"
