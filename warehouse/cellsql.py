"""SQL expressions over one staged cell: its text, its typed value, its pseudonym, its bounds.

warehouse/loadsql.py assembles them into the statements that load a file. Constants are bound
parameters (`Params`); `raw` is an expression over the staged text, never a spec's value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from .db import Params

PSEUDONYM_KEY = object()  # bound at run time to the office's secret key, never written anywhere


# A value must be exactly what its column declares before it is cast: DuckDB's TRY_CAST rounds
# ('1.234' AS BIGINT is 1, '45.6' AS INTEGER is 46) where a steward expects a quarantine.
WHOLE = r"^[+-]?[0-9]+$"
DECIMAL = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
YEAR = r"^[0-9]{4}$"
AGE = r"^[0-9]{1,3}$"


@dataclass(frozen=True)
class RowBounds:
    """Dates the period column may hold in one file: not after the load date, within the file's period."""
    load_date: date
    period: tuple[date, date, str] | None = None  # first day, last day, as the file name says it


def hashing_key(office_key: str) -> str:
    """The text that prefixes every identifier before SHA-256: 32 hex digits (128 bits) derived
    from the office's key, whatever its length.

    Key and identifier then fit one 64-byte SHA-256 block for identifiers of up to 23 characters:
    a 64-character key took two, and hashing the two identifiers of a movement row cost a third
    more CPU (0.69 against 0.45 s per column on 800,000 rows)."""
    return hashlib.sha256(office_key.encode()).hexdigest()[:32]


def pseudonym(raw: str, p: Params) -> str:
    """The first 128 bits of SHA-256(hashing key || identifier), as an unsigned 128-bit integer.

    A 64-character hex string would cost twice the disk and twice the write time of every
    movement row (two pseudonyms a row); 128 bits keep collisions out of reach (about 1e-22 for
    250 million distinct identifiers)."""
    hashed = f"CAST('0x' || left(sha256(concat({p.bind(PSEUDONYM_KEY)}, {raw})), 32) AS UHUGEINT)"
    return f"CASE WHEN {raw} IS NOT NULL THEN {hashed} END"  # a blank is no one: not the key's own hash


def exact(raw: str, pattern: str, p: Params, cast: str) -> str:
    """TRY_CAST only text that matches `pattern`; anything else is NULL (and quarantined)."""
    return f"CASE WHEN regexp_full_match({raw}, {p.bind(pattern)}) THEN TRY_CAST({raw} AS {cast}) END"


def bounded(error: str, value: str, bounds: RowBounds | None, p: Params) -> str:
    """The period column's rule, extended: a date after the load date, or outside the file's period."""
    if bounds is None:
        return error
    checks = f"WHEN {value} > {p.bind(bounds.load_date)} THEN 'date_after_load' "
    if bounds.period:
        checks += (f"WHEN {value} < {p.bind(bounds.period[0])} OR {value} > {p.bind(bounds.period[1])} "
                   f"THEN 'date_outside_file_period' ")
    return f"coalesce({error}, CASE {checks}END)"


def date_expr(raw: str, formats: list[str], p: Params) -> str:
    fmts = "[" + ", ".join(p.bind(f) for f in formats) + "]"
    return f"CAST(try_strptime({raw}, {fmts}) AS DATE)"


def cell_text(ref: str) -> str:
    """The cell's text without the spaces around it, NULL when blank: what trim() gives, but only
    cells that start or end with a space are trimmed. trim() copies every string it is given, and
    few cells have a space to lose: 0.42 against 0.13 CPU s for six movement columns of 800,000 rows.
    trim() also removes Unicode's other space separators (U+00A0 no-break space, U+3000...), all
    outside ASCII: a cell with any non-ASCII character (more bytes than characters) is trimmed too."""
    return (f"nullif(CASE WHEN starts_with({ref}, ' ') OR ends_with({ref}, ' ') OR strlen({ref}) <> length({ref}) "
            f"THEN trim({ref}) ELSE {ref} END, '')")
