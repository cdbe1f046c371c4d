"""Typed models of the three kinds of spec: requests, sources and codelists.

Unknown keys are errors (``extra="forbid"``) so a steward's typo never passes silently.
The JSON Schemas in specs/schema/ are exported from these models (``loipr schema``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

IDENT = r"^[a-z][a-z0-9_]*$"  # canonical names become SQL identifiers: keep them plain
SPEC_ID = r"^[a-z0-9][a-z0-9-]*$"
TOTAL = "_T"
OTHER = "_O"  # the code under which a request's `group_small` publishes a breakdown's rare codes


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Labels(Strict):
    en: str = Field(min_length=1, description="English label")
    es: str = Field(min_length=1, description="Spanish label")


# ---------------------------------------------------------------- codelists
class Code(Strict):
    code: str = Field(min_length=1, description="The code published in tables (SDMX where a standard exists)")
    en: str
    es: str
    min: int | None = Field(None, description="Age bands: lowest age in the band (years completed)")
    max: int | None = Field(None, description="Age bands: highest age in the band; empty = open-ended")
    parent: str | None = Field(None, description="Code this one rolls up into, if hierarchical")
    same_as: dict[str, str] = Field(default_factory=dict, description=(
        "Codes of other dimensions holding exactly the same records by definition (status NAT is "
        "nationality PER): disclosure control treats their cells as one, as an attacker would"))


class Codelist(Strict):
    id: str = Field(pattern=IDENT, description="Dimension id, lower case, singular (e.g. sex)")
    name: Labels
    reference: str = Field(description="Where the codes come from (standard, version, file)")
    total: str = Field(TOTAL, description="Code of the total over this dimension (SDMX: _T)")
    fill: Literal["all", "observed"] = Field("all", description="Zero-fill tables over every code (all) or only codes seen in the data (observed: long lists such as nationality)")
    sensitive: bool = Field(False, description="Cells broken down by this dimension call for stricter disclosure control")
    codes: list[Code] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> "Codelist":
        seen: set[str] = set()
        for code in self.codes:
            if code.code in seen:
                raise ValueError(f"code '{code.code}' is listed twice")
            seen.add(code.code)
        return self

    @property
    def is_banded(self) -> bool:
        return any(c.min is not None for c in self.codes)

    def code_set(self) -> set[str]:
        return {c.code for c in self.codes}


# ---------------------------------------------------------------- sources
ColumnType = Literal["code", "string", "integer", "number", "date", "month", "year", "age"]


class Column(Strict):
    source: str = Field(description="Column header as it appears in the extract")
    name: str = Field(pattern=IDENT, description="Canonical column name in the warehouse")
    type: ColumnType = Field(description="code: recoded into a codelist; age: years completed at `age_at`, computed from a birth date")
    codelist: str | None = Field(None, description="For type code: the codelist its values are recoded into")
    recode: dict[str, str] = Field(default_factory=dict, description="Source label -> code. Labels are matched trimmed, upper-cased and without accents")
    match_labels: list[Literal["en", "es"]] = Field(default_factory=list, description="Also accept the codelist's own labels in these languages (e.g. 'Venezuela (Bolivarian Republic of)')")
    formats: list[str] = Field(default_factory=list, description="Date formats tried in order (strptime), e.g. ['%Y%m%d', '%d/%m/%Y']")
    age_at: str | None = Field(None, description="For type age: canonical date column the age is computed at")
    suppressed: list[str] = Field(default_factory=list, description="Tokens the source prints instead of a small value, e.g. '<5'")
    thousands: str | None = Field(None, max_length=1, description="Thousands separator printed in numbers, e.g. ',' in '1,282'")
    suppressed_max: int | None = Field(None, description="Largest value a suppressed token can hide (e.g. 4 for '<5')")
    personal: Literal["drop", "pseudonymise"] | None = Field(None, description="Personal data: never stored in clear")
    when: dict[str, str] | None = Field(None, description="Recode only rows where these source columns hold these values")
    otherwise: str | None = Field(None, description="Code for rows that `when` does not select (usually _T)")
    nullable: bool = Field(False, description="An empty cell is allowed (else the row is quarantined)")
    if_empty: str | None = Field(None, description="For type code: the code of an empty cell (e.g. XXX, _U); implies nullable")

    @model_validator(mode="after")
    def _coherent(self) -> "Column":
        if self.type == "code" and not self.codelist:
            raise ValueError("a column of type code needs a codelist")
        if self.type == "age" and not self.age_at and not self.formats:
            pass  # a declared age in years: no birth date involved
        if self.type == "age" and self.age_at and not self.formats:
            raise ValueError("an age computed from a birth date needs its date formats")
        if self.type == "code" and self.nullable and self.if_empty is None:
            raise ValueError("an empty code cell would count in no code but in the total: "
                             "replace `nullable: true` with `if_empty: _U` (or the codelist's unknown code)")
        if self.when and self.otherwise is None:
            raise ValueError("`when` needs `otherwise` (the code of rows it does not select)")
        return self


class Freshness(Strict):
    """How old the newest data of a source may be at the reference date (as dbt's source freshness)."""

    warn_after_days: int = Field(ge=1, description="Older than this: the edition says the source is stale")
    error_after_days: int = Field(ge=1, description="Older than this: reported as an error finding")

    @model_validator(mode="after")
    def _ordered(self) -> "Freshness":
        if self.error_after_days < self.warn_after_days:
            raise ValueError("error_after_days must not be below warn_after_days")
        return self


class QuarantineBudget(Strict):
    """How many of a file's rows may be quarantined before the whole file is refused."""

    share: float = Field(gt=0, le=1, description="Largest share of a file's rows that may be quarantined (0.01 = 1%)")
    reason: str = Field(min_length=10, description="Why this source needs more than the default 1%: the known defect, and who was told")


DEFAULT_QUARANTINE_SHARE = 0.01


class Source(Strict):
    id: str = Field(pattern=SPEC_ID)
    owner: Labels
    description: str = ""
    kind: Literal["microdata", "aggregate"] = Field(description="microdata: one row per person or event; aggregate: published counts")
    format: Literal["csv", "parquet", "xlsx"]
    path: str = Field(description="Glob of extract files, relative to the landing folder")
    encoding: Literal["utf-8", "latin-1"] = "utf-8"
    delimiter: str = Field(",", min_length=1, max_length=1)
    sheet: str | None = None
    header_row: int = Field(1, ge=1, description="Row holding the column headers (1 = first row)")
    mode: Literal["append", "snapshot"] = Field("append", description="append: files are partitions; snapshot: each file is a full release and the newest wins")
    period_column: str = Field(pattern=IDENT, description="Canonical column that dates each row")
    value_column: str | None = Field(None, description="Aggregate sources: the canonical column holding the count or amount")
    record_key: list[str] = Field(default_factory=list, description="Canonical columns that identify a record")
    cell_key: list[str] = Field(default_factory=list, description=(
        "Aggregate sources: the canonical columns that identify one published cell (with the period column)"))
    duplicates: Literal["error", "first", "drop_exact", "sum", "keep_figure"] = Field("error", description=(
        "Aggregate sources: what to do when rows repeat a cell of `cell_key`. error: the requests on it fail; "
        "first: keep the first row; drop_exact: drop rows repeating an earlier row exactly (others are errors); "
        "sum: add them up (the rows are different counts of one cell); keep_figure: a cell printed both "
        "suppressed ('<5') and as a figure keeps the figure (others are errors). Always reported as a finding"))
    duplicates_why: str = Field("", description="Why this duplicates rule is right for the publisher's file")
    totals: Literal["published", "derived"] = Field("published", description=(
        "Aggregate sources: where a table's totals (_T) come from. published: the publisher prints them and "
        "they are kept as printed (and reconciled with their parts); derived: the publisher prints none, so "
        "each _T is the sum of the published parts (a total over a missing part is missing, M; over a "
        "withheld part withheld, C: never a silent undercount)"))
    totals_why: str = Field("", description="Why the totals are derived (the parts add up) or, if a table has none, why not")
    additivity: Literal["error", "warning"] = Field("error", description="How a published total that differs from the sum of its parts is reported")
    estimate: bool = Field(False, description="The source gives studies or estimates, not counts: published with obs_status E")
    freshness: Freshness | None = Field(None, description="How old the newest data may be at the reference date")
    quarantine_budget: QuarantineBudget | None = Field(None, description=(
        "Past this share of quarantined rows a file is refused (its rows are not used, the load fails "
        "and the requests on the source fail). Default: 1%; a larger share needs a reason"))
    file_period: str | None = Field(None, description=(
        "Regular expression on the file name whose group `year` (and optionally `month`) is the period the "
        "file holds, e.g. 'movimientos_migratorios_(?P<year>\\d{4})\\.csv'; rows dated outside it are quarantined"))
    complete_until: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description=(
        "The last day the publisher's figures are complete (YYYY-MM-DD), where the file cannot show it "
        "(yearly figures of a mid-year release): later periods are provisional (obs_status P), not covered"))
    columns: list[Column] = Field(min_length=1)

    @field_validator("columns")
    @classmethod
    def _unique_names(cls, columns: list[Column]) -> list[Column]:
        names = [c.name for c in columns]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"canonical names used twice: {', '.join(dupes)}")
        return columns

    @model_validator(mode="after")
    def _keys_known(self) -> "Source":
        names = {c.name for c in self.columns}
        unknown = [k for k in self.cell_key if k not in names]
        if unknown:
            raise ValueError(f"cell_key names no column: {', '.join(unknown)}; use canonical names ({', '.join(sorted(names))})")
        if self.cell_key and self.kind != "aggregate":
            raise ValueError("cell_key is for aggregate sources; a microdata source declares record_key")
        if self.totals == "derived" and self.kind != "aggregate":
            raise ValueError("`totals: derived` is for aggregate sources; microdata tables always count their totals")
        if self.totals == "derived" and not self.totals_why.strip():
            raise ValueError("`totals: derived` needs `totals_why`: why the parts add up to the total")
        if self.duplicates != "error" and not self.duplicates_why.strip():
            raise ValueError(f"`duplicates: {self.duplicates}` needs `duplicates_why`: why it is right for this file")
        return self

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def quarantine_share(self) -> float:
        return self.quarantine_budget.share if self.quarantine_budget else DEFAULT_QUARANTINE_SHARE

    @field_validator("file_period")
    @classmethod
    def _file_period_pattern(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            groups = re.compile(value).groupindex
        except re.error as bad:
            raise ValueError(f"file_period is not a regular expression: {bad}") from None
        if "year" not in groups or set(groups) - {"year", "month"}:
            raise ValueError("file_period needs a group (?P<year>\\d{4}) and may have (?P<month>\\d{2}); no other group")
        return value

    @property
    def published_columns(self) -> list[Column]:
        return [c for c in self.columns if c.personal != "drop"]


# ---------------------------------------------------------------- requests
Frequency = Literal["year", "quarter", "month"]


class Period(Strict):
    from_: str = Field(alias="from", description="A date (YYYY-MM-DD) or an anchor: convention-in-force, previous-concluding-observations, visa-requirements-2019, last-3-years")
    frequency: Frequency
    why: str = Field("", description="Why this start: the committee's words and the fact behind the date")
    fallback: Literal["none", "latest-available"] = Field("none", description="If the source has nothing in the period asked: deliver as many of its latest periods instead (status partial)")

    @field_validator("from_")
    @classmethod
    def _date_or_anchor(cls, value: str) -> str:
        from .periods import ANCHORS  # same package: the model still imports nothing outside it

        value = str(value)
        if value in ANCHORS:
            return value
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'{value}' is not a day of the calendar; write a real date, e.g. "
                                 f"'{value[:8]}01'") from None
            return value
        raise ValueError(f"'{value}' is neither a date YYYY-MM-DD nor an anchor ({', '.join(ANCHORS)})")


class Measure(Strict):
    kind: Literal["count", "sum"] = Field(description="count: records; sum: the source's value column")
    unit: str = Field(description="SDMX unit of measure, e.g. PS (persons), NUMBER, USD")
    what: Labels = Field(description="What one unit is, in words")


class Unavailable(Strict):
    reason: Labels


class TotalsOnly(Strict):
    """One code of a breakdown (e.g. sex not stated) published only in total: see Request.totals_only."""

    code: str = Field(description="The code published only in total, e.g. _U (not stated)")
    crossed_with: list[str] = Field(default_factory=list, description=(
        "Breakdowns it is still crossed with (e.g. direction), where its counts are large enough"))


Breakdown = Annotated[str | dict[str, str], Field(description="A dimension id, or {dimension: codelist} to bind another codelist")]


class Request(Strict):
    id: str = Field(pattern=SPEC_ID)
    paragraph: str | list[str]
    title: Labels
    asks: str = Field(min_length=10, description="The committee's words, quoted from the list of issues")
    source: str
    measure: Measure
    breakdowns: list[Breakdown] = Field(default_factory=list)
    period: Period
    filters: dict[str, str | list[str]] = Field(default_factory=dict, description="Canonical column -> code(s) to keep")
    unavailable: dict[str, Unavailable] = Field(default_factory=dict, description="Breakdowns the source cannot give, and why")
    proxy: Labels | None = Field(None, description=(
        "The table is a proxy: it counts something close to, but not, what is asked (why, in en and es). "
        "A proxy is at most partial"))
    context: Labels | None = Field(None, description=(
        "The table holds no count of what is asked, only context (why): the request is unavailable"))
    threshold: int | None = Field(None, ge=1, description="Disclosure control: smallest count published (never below the floor in code)")
    sensitive: bool | None = Field(None, description="Stricter disclosure control (trafficking, expulsion, children, health); default: any breakdown's codelist is sensitive")
    why_breakdowns: str = ""
    group_small: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict, description=(
        "Breakdown -> N: its codes with fewer than N records in the source (up to the reference date) "
        "are published together as _O (e.g. other nationalities), so that rare groups do not force the "
        "main figures to be withheld. Every request of the source that gives the breakdown groups it alike"))
    totals_only: dict[str, TotalsOnly] = Field(default_factory=dict, description=(
        "Breakdown -> {code, crossed_with}: in every combination with that breakdown, its code (e.g. sex "
        "not stated) and its total (_T) are published only where the other breakdowns are at their "
        "total or among crossed_with. A small 'not stated' group crossed with everything is mostly "
        "counts of 1 or 2, and withholding them forces the large figures beside them (women, men) to "
        "be withheld too; both sexes together by age is then men plus women, plus at most the code's total"))
    cross: list[list[str]] = Field(default_factory=list, description=(
        "Publish these combinations of breakdowns, each with all its totals, instead of crossing "
        "every breakdown with every other (which can give millions of mostly empty cells)"))

    def combinations(self) -> list[list[str]]:
        """The delivered breakdowns crossed together: the spec's `cross`, or all of them at once."""
        delivered = [d for d, _ in self.delivered_dimensions()]
        if not self.cross:
            return [delivered]
        return [[d for d in combo if d in delivered] for combo in self.cross]

    @property
    def paragraphs(self) -> list[str]:
        return [self.paragraph] if isinstance(self.paragraph, str) else list(self.paragraph)

    def dimensions(self) -> list[tuple[str, str]]:
        """(dimension id, codelist id) for every breakdown, in spec order."""
        out = []
        for item in self.breakdowns:
            if isinstance(item, str):
                out.append((item, item))
            else:
                ((dim, codelist),) = item.items()
                out.append((dim, codelist))
        return out

    def delivered_dimensions(self) -> list[tuple[str, str]]:
        return [d for d in self.dimensions() if d[0] not in self.unavailable]
