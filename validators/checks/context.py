"""What a check needs to know about one built table: its request, source, codelists and periods."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from validators.spec.model import Codelist, Request, Source


@dataclass(frozen=True)
class TableContext:
    request: Request
    source: Source
    codelists: dict[str, Codelist]
    expected: list[str]   # periods the request asks for, at this reference date
    covered: list[str]    # periods the source covers
    fallback: list[str] = ()  # latest available periods delivered instead, if the spec allows
    # periods the table must hold, when known from outside (a published edition's manifest);
    # None: the requested periods the table itself holds, or the fallback
    must_hold: tuple[str, ...] | None = None

    @property
    def dims(self) -> list[str]:
        return [d for d, _ in self.request.delivered_dimensions()]

    def codes(self, dim: str) -> list[str]:
        codelist = self.codelists[dict(self.request.delivered_dimensions())[dim]]
        return sorted(codelist.code_set() | {codelist.total})

    @property
    def allowed_periods(self) -> list[str]:
        return self.expected + [p for p in self.fallback if p not in self.expected]

    def periods_to_hold(self, table: pd.DataFrame) -> list[str]:
        if self.must_hold is not None:
            return list(self.must_hold)
        if self.fallback:
            return list(self.fallback)
        present = set(table["time_period"].astype(str)) if "time_period" in table else set()
        return [p for p in self.expected if p in present]

    @property
    def whole_counts(self) -> bool:
        """A count, or a published integer column, is whole; a `number` value (e.g. US$) may not be."""
        value_col = self.source.column(self.source.value_column) if self.source.value_column else None
        return self.request.measure.kind == "count" or (
            self.source.kind == "aggregate" and value_col is not None and value_col.type == "integer")

    def severity(self, check: str) -> str | None:
        """The source spec may soften additivity of a publisher's own table; else the catalogue's."""
        if check == "total_equals_parts" and self.source.kind == "aggregate":
            return self.source.additivity
        return None
