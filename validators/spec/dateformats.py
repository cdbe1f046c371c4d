"""Date formats of source specs: strftime syntax, and which format a file's first values really follow.

Pure functions over strings: lint uses them on the spec and on an extract's first rows, the load
uses the same message with counts computed by DuckDB, so a steward reads one sentence either way.
"""

from __future__ import annotations

import re
from datetime import datetime

# strptime directives (Python's; DuckDB's strptime accepts the same ones)
DIRECTIVES = set("aAbBdfHIjmMpSyYzZUWwcxX%")
YEAR_DIRECTIVES = ("%Y", "%y")
# Formats tried when the declared ones do not fit a file's values
CANDIDATES = ["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y",
              "%d/%m/%y", "%m/%d/%y", "%Y-%m", "%Y%m", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S"]
PROBE_ROWS = 1000

# what stewards write instead of strftime (Excel, SQL, Java patterns), longest first
_TOKENS = [("yyyy", "%Y"), ("aaaa", "%Y"), ("yy", "%y"), ("mm", "%m"), ("dd", "%d"), ("hh", "%H"),
           ("ss", "%S")]


def as_strftime(pattern: str) -> str:
    """'dd/mm/yyyy' -> '%d/%m/%Y' (a suggestion only: minutes and months clash in other notations)."""
    out, i, low = "", 0, pattern.lower()
    while i < len(pattern):
        for token, directive in _TOKENS:
            if low.startswith(token, i):
                out, i = out + directive, i + len(token)
                break
        else:
            out, i = out + pattern[i], i + 1
    return out


def format_problem(fmt: str) -> str | None:
    """What is wrong with one declared format, as a steward reads it; None if it is valid strftime."""
    if "%" not in fmt:
        fixed = as_strftime(fmt)
        hint = f"; did you mean '{fixed}'?" if "%" in fixed else ""
        return f"'{fmt}' is not a strftime format (directives start with %, e.g. '%d/%m/%Y'){hint}"
    unknown = [m for m in re.findall(r"%(.?)", fmt) if m not in DIRECTIVES]
    if unknown:
        return f"'{fmt}' has an unknown directive '%{unknown[0]}'; use %d day, %m month, %Y year (strftime)"
    if not any(y in fmt for y in YEAR_DIRECTIVES):
        return f"'{fmt}' has no year (%Y): a date without its year cannot date a row"
    return None


def matches(values: list[str], fmt: str) -> int:
    """How many of `values` parse with `fmt` (Python's strptime)."""
    n = 0
    for value in values:
        try:
            datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        n += 1
    return n


def probe_message(declared: list[str], counts: dict[str, int], total: int) -> str | None:
    """'0 of the first 1,000 values match %m/%d/%Y; 1,000 match %d/%m/%Y', when another format fits better.

    `counts` holds, per format (declared first, then candidates, and the declared ones together
    under ''), how many of the first `total` values it parses."""
    fit = counts.get("", 0)
    best = max((f for f in CANDIDATES if f not in declared), key=lambda f: counts.get(f, 0), default=None)
    if total == 0 or fit == total or best is None or counts.get(best, 0) <= fit:
        return None
    shown = " or ".join(declared)
    return f"{fit:,} of the first {total:,} values match {shown}; {counts[best]:,} match {best}"


def probe(values: list[str], declared: list[str]) -> str | None:
    """The probe over values read in Python (lint, on an extract's first rows)."""
    values = [v for v in values if v and v.strip()][:PROBE_ROWS]
    ok = sum(any(matches([v], f) for f in declared) for v in values)
    counts = {f: matches(values, f) for f in CANDIDATES if f not in declared}
    return probe_message(declared, {"": ok, **counts}, len(values))
