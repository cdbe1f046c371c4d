"""Period anchors named in the committee's words, resolved against an edition's reference date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

FREQUENCY_RANK = {"month": 1, "quarter": 2, "year": 3}


@dataclass(frozen=True)
class Anchor:
    name: str
    resolve: Callable[[date], date]
    why: str


def _last_complete_year(reference: date) -> int:
    return reference.year if (reference.month, reference.day) == (12, 31) else reference.year - 1


ANCHORS: dict[str, Anchor] = {a.name: a for a in [
    Anchor("convention-in-force", lambda ref: date(2006, 1, 1),
           "Peru ratified the Convention on 14 September 2005; under art. 87(2) it entered into force for "
           "Peru on the first day of the month after three months: 1 January 2006."),
    Anchor("previous-concluding-observations", lambda ref: date(2015, 4, 1),
           "The Committee adopted its concluding observations on Peru's initial report (CMW/C/PER/CO/1) "
           "at its 22nd session, April 2015."),
    Anchor("visa-requirements-2019", lambda ref: date(2019, 6, 15),
           "Peru required a humanitarian visa of Venezuelan nationals from 15 June 2019."),
    Anchor("last-3-years", lambda ref: date(_last_complete_year(ref) - 2, 1, 1),
           "Section III: 'for the last three years, unless indicated otherwise': the three complete "
           "calendar years up to the reference date."),
]}


def resolve_start(value: str, reference: date) -> date:
    """The first day a request's period covers: a literal date or a named anchor."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    if value not in ANCHORS:
        raise KeyError(value)
    return ANCHORS[value].resolve(reference)


def period_label(day: date, frequency: str) -> str:
    if frequency == "year":
        return f"{day.year}"
    if frequency == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _period_bounds(label: str) -> tuple[date, date]:
    if m := re.fullmatch(r"(\d{4})", label):
        y = int(m[1])
        return date(y, 1, 1), date(y, 12, 31)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        y, q = int(m[1]), int(m[2])
        start = date(y, 3 * q - 2, 1)
        end = date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
        return start, end
    m = re.fullmatch(r"(\d{4})-(\d{2})", label)
    if not m:
        raise ValueError(f"not a period label: {label}")
    y, mo = int(m[1]), int(m[2])
    return date(y, mo, 1), date(y + (mo == 12), 1 if mo == 12 else mo + 1, 1) - timedelta(days=1)


def expected_periods(start: date, reference: date, frequency: str) -> list[str]:
    """Every complete period from the one containing `start` to the last one ending by `reference`."""
    out: list[str] = []
    day = start
    while True:
        label = period_label(day, frequency)
        first, last = _period_bounds(label)
        if last > reference:
            return out
        out.append(label)
        day = last + timedelta(days=1)


def period_end(label: str) -> date:
    return _period_bounds(label)[1]
