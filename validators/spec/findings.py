"""The findings model: one typed `Finding`, and one catalogue of every kind of finding.

Whatever finds a problem (the load SQL, pandera, Great Expectations, freshness, disclosure
control), it reports it as a `Finding` of a kind listed here, with that kind's severity and
message template, so that reviewers read one table (findings.csv) in one voice. A new kind of
finding is one entry in `KINDS` (frictionless-py's `errors/` catalogue is the model).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"      # the table is not published (or the source's requests fail)
    WARNING = "warning"  # published, and reported to reviewers


@dataclass(frozen=True)
class FindingKind:
    code: str
    severity: Severity
    template: str  # str.format fields: {column}, {value}, {detail}, and the load rules' own
    about: str     # what is checked, in one line, for reviewers and the docs

    def message(self, **fields: object) -> str:
        return self.template.format_map(_Blank(fields))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


_E, _W = Severity.ERROR, Severity.WARNING
KINDS: dict[str, FindingKind] = {k.code: k for k in [
    # rows of an extract that cannot be counted: quarantined at load, by the load SQL
    FindingKind("required", _W, "{col} is empty and is required", "a required cell is empty"),
    FindingKind("not_an_integer", _W, "'{value}' in {col} is not a whole number", "an integer column holds a whole number"),
    FindingKind("not_a_number", _W, "'{value}' in {col} is not a number", "a number column holds a number"),
    FindingKind("not_a_date", _W, "'{value}' in {col} is not a date in the format {formats}", "a date matches the declared formats"),
    FindingKind("not_a_year", _W, "'{value}' in {col} is not a year", "a year column holds a year 1900-2100"),
    FindingKind("unknown_label", _W, "'{value}' in {col} is not mapped to a code of '{codelist}'; add it to the "
                "recode of {col} in {spec}", "every label is recoded into its codelist"),
    FindingKind("age_out_of_range", _W, "'{value}' in {col} gives an age outside 0-130 years at {at}",
                "an age (or a birth date) gives 0-130 years"),
    FindingKind("not_an_age", _W, "'{value}' in {col} is not an age in whole years",
                "an age is written as whole years (45.6 is not rounded)"),
    FindingKind("date_after_load", _W, "'{value}' in {col} is after the load date {load_date}",
                "no row is dated after the day it was loaded"),
    FindingKind("date_outside_file_period", _W, "'{value}' in {col} is outside {period}, the period the file "
                "name declares", "every row lies in the period its file declares"),
    FindingKind("duplicate_record", _W, "the record key ({col}) repeats row {first}; only the first occurrence "
                "is loaded", "a microdata record key identifies one row"),
    FindingKind("unreadable_row", _W, "the row cannot be split into the file's columns: {value}",
                "every line splits into the file's columns"),
    # whole files and sources
    FindingKind("extract_readable", _E, "{detail}", "the extract can be read as its source spec says"),
    FindingKind("quarantine_budget", _E, "{detail}",
                "a file is refused when more of its rows are quarantined than its source's budget allows"),
    FindingKind("nothing_loaded", _E, "{detail}", "every extract loads at least one row"),
    FindingKind("filter_matches_nothing", _E, "{detail}", "every filter of a request keeps at least one row"),
    FindingKind("grouped_filter", _E, "{detail}", "no filter of a request keeps a code its group_small publishes within _O"),
    FindingKind("source_freshness", _W, "{detail}", "the source's newest data is recent enough"),
    FindingKind("duplicate_cells", _W, "{detail}", "each cell of an aggregate source is given by one row, "
                "or its repeats are resolved by the rule its spec declares"),
    FindingKind("publisher_totals", _W, "{detail}", "the publisher's own totals equal the sum of their parts"),
    FindingKind("source_shrank", _W, "{detail}", "a source loses rows only when the office confirms it (--allow-shrink)"),
    FindingKind("duplicate_extract", _W, "{detail}", "the same content delivered under two names is loaded once"),
    # a built table: pandera and Great Expectations (validators/checks)
    FindingKind("column_present", _E, "the table has no column '{column}' that the spec asks for",
                "the table has every column of the published format"),
    FindingKind("code_in_codelist", _E, "'{value}' in {column} is not a code of its codelist",
                "every breakdown code is in its codelist (or _T)"),
    FindingKind("non_negative", _E, "{column} is {value}: counts cannot be negative", "no value is negative"),
    FindingKind("whole_number", _E, "{column} is {value}: a count must be a whole number", "counts are whole numbers"),
    FindingKind("status_code", _E, "'{value}' in {column} is not an SDMX status code",
                "obs_status and conf_status hold SDMX codes"),
    FindingKind("value_present", _E, "{column} is empty in a cell that is not withheld",
                "a free (F) cell has a value"),
    FindingKind("unique_key", _E, "the row {detail} appears more than once", "one row per period and codes"),
    FindingKind("total_equals_parts", _E, "{detail}", "every _T total equals the sum of its parts"),
    FindingKind("period_in_range", _E, "period '{value}' is outside the requested period",
                "every period lies in the requested period"),
    FindingKind("period_coverage", _W, "{detail}", "every requested period is present"),
    FindingKind("gx_suite", _W, "Great Expectations could not run: {detail}", "the GX suite runs"),
    # disclosure control
    FindingKind("disclosure_secondary", _W, "{detail}", "complementary suppression was applied"),
    FindingKind("disclosure_audit", _W, "{detail}", "an LP attacker given every published table of the source narrows "
                "no withheld confidential cell"),
]}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.

    Numbers stay numbers ('-5' is a value, not a formula); everything else is unchanged (OWASP CSV injection)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


FINDING_COLUMNS = ["spec", "source_file", "row", "column", "check", "value", "message", "severity"]


@dataclass(frozen=True)
class Finding:
    """One row of findings.csv: which spec, where (file, row, column), which check, what, how bad."""

    spec: str
    check: str
    message: str
    severity: Severity
    source_file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_row(self) -> dict[str, object]:
        """One row of findings.csv, opened in spreadsheets: text never starts a formula."""
        return {c: (str(self.severity) if c == "severity" else spreadsheet_safe(getattr(self, c)))
                for c in FINDING_COLUMNS}


def finding(check: str, spec: str, *, source_file: str | None = None, row: int | None = None,
            column: str | None = None, value: object = None, severity: Severity | str | None = None,
            message: str | None = None, prefix: str = "", **fields: object) -> Finding:
    """A Finding of a catalogued kind: its message from the kind's template unless given.

    `prefix` marks who found it in the check name (e.g. 'gx:'); the kind stays the same."""
    kind = KINDS[check]
    text = message if message is not None else kind.message(column=column, value=value, **fields)
    return Finding(spec=spec, check=prefix + check, message=text,
                   severity=Severity(severity) if severity else kind.severity, source_file=source_file,
                   row=None if row is None else int(row), column=column,
                   value=None if value is None else str(value))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)


def errors_in(findings: list[Finding]) -> int:
    return sum(f.severity == Severity.ERROR for f in findings)
