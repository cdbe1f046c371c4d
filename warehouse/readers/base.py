"""What every reader returns or raises; kept apart so the format modules need not import the package."""

from __future__ import annotations

from dataclasses import dataclass


class ExtractError(ValueError):
    """The file as a whole cannot be read as its source spec says."""


@dataclass(frozen=True)
class Staged:
    headers: list[str]          # the file's own headers, position i -> column c{i}
    rows: int                   # rows staged (readable records)
    rejects: list[tuple[int, str, str]]  # (row_number, raw line, reason) for unreadable records
