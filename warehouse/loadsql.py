"""Generate the SQL that types, recodes and checks one staged extract (the `_stage` table).

One expression per canonical column gives its typed value (`v_<name>`), its raw text (`t_<name>`)
and the rule it breaks (`e_<name>`, NULL when fine). Constants are bound parameters; the only
identifiers are canonical names, which the spec model restricts to [a-z][a-z0-9_]*.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from validators.spec.model import Codelist, Column, Source

from .db import quote

PSEUDONYM_KEY = object()  # bound at run time to the office's secret key, never written anywhere

SQL_TYPES = {"string": "VARCHAR", "code": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE",
             "date": "DATE", "month": "DATE", "year": "DATE", "age": "INTEGER"}

# Quarantine rules: name -> message template ({value} is the cell as read, {col} its header).
RULES: dict[str, str] = {
    "required": "{col} is empty and is required",
    "not_an_integer": "'{value}' in {col} is not a whole number",
    "not_a_number": "'{value}' in {col} is not a number",
    "not_a_date": "'{value}' in {col} is not a date in the format {formats}",
    "not_a_year": "'{value}' in {col} is not a year",
    "unknown_label": "'{value}' in {col} is not mapped to a code of '{codelist}'; add it to the recode of {col} in {spec}",
    "age_out_of_range": "'{value}' in {col} gives an age outside 0-130 years at {at}",
    "unreadable_row": "the row cannot be split into the file's columns: {value}",
}


@dataclass
class LoadSQL:
    checked: str                       # CREATE TEMP TABLE _checked AS ...
    quarantine: str                    # INSERT INTO quarantine ... (all columns' failures)
    insert: str                        # INSERT INTO raw_<source> ... (clean rows only)
    create_raw: str                    # CREATE TABLE IF NOT EXISTS raw_<source>
    params: dict[str, object] = field(default_factory=dict)
    recodes: list[tuple[str, str, str]] = field(default_factory=list)  # (temp table, LABEL, code)


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def bind(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _message(rule: str, p: _Params, **known: str) -> str:
    """SQL expression for the rule's message, the cell value spliced in at {value}."""
    template = RULES[rule]
    for key, val in known.items():
        template = template.replace("{" + key + "}", val)
    head, _, tail = template.partition("{value}")
    return f"concat({p.bind(head)}, coalesce(t, ''), {p.bind(tail)})" if _ else p.bind(head)


def _date_expr(raw: str, formats: list[str], p: _Params) -> str:
    fmts = "[" + ", ".join(p.bind(f) for f in formats) + "]"
    return f"CAST(try_strptime({raw}, {fmts}) AS DATE)"


def column_exprs(col: Column, src: Source, index: dict[str, int], codelists: dict[str, Codelist],
                 p: _Params, spec_file: str, join_alias: str) -> tuple[str, str]:
    """(typed value expression, error-rule expression) for one canonical column."""
    raw = f"nullif(trim(s.c{index[col.source]}), '')"
    missing = "NULL" if col.nullable or col.if_empty else f"CASE WHEN {raw} IS NULL THEN 'required' END"

    def err(cond: str, rule: str) -> str:
        return f"CASE WHEN {raw} IS NULL THEN {missing} WHEN {cond} THEN '{rule}' END"

    if col.type == "string":
        value = f"sha256(concat({p.bind(PSEUDONYM_KEY)}, {raw}))" if col.personal == "pseudonymise" else raw
        return value, missing
    if col.type in ("integer", "number"):
        cast = "BIGINT" if col.type == "integer" else "DOUBLE"
        tokens = "[" + ", ".join(p.bind(t) for t in col.suppressed) + "]" if col.suppressed else "[]"
        number = f"replace({raw}, {p.bind(col.thousands)}, '')" if col.thousands else raw
        value = f"CASE WHEN list_contains({tokens}, {raw}) THEN NULL ELSE TRY_CAST({number} AS {cast}) END"
        rule = "not_an_integer" if col.type == "integer" else "not_a_number"
        return value, err(f"NOT list_contains({tokens}, {raw}) AND TRY_CAST({number} AS {cast}) IS NULL", rule)
    if col.type in ("date", "month"):
        formats = col.formats or (["%Y-%m-%d"] if col.type == "date" else ["%Y-%m"])
        value = _date_expr(raw, formats, p)
        if col.type == "month":
            value = f"date_trunc('month', {value})"
        return value, err(f"{_date_expr(raw, formats, p)} IS NULL", "not_a_date")
    if col.type == "year":
        year = f"TRY_CAST({raw} AS INTEGER)"
        return (f"make_date({year}, 1, 1)",
                err(f"{year} IS NULL OR {year} NOT BETWEEN 1900 AND 2100", "not_a_year"))
    if col.type == "age":
        if col.age_at:
            at_col = src.column(col.age_at)
            at = _date_expr(f"nullif(trim(s.c{index[at_col.source]}), '')", at_col.formats or ["%Y-%m-%d"], p)
            birth = _date_expr(raw, col.formats, p)
            value = f"CAST(date_sub('year', {birth}, {at}) AS INTEGER)"
            return value, err(f"{birth} IS NULL", "not_a_date").replace(
                " END", f" WHEN {at} IS NOT NULL AND ({value} < 0 OR {value} > 130) THEN 'age_out_of_range' END", 1)
        value = f"TRY_CAST({raw} AS INTEGER)"
        return value, err(f"{value} IS NULL OR {value} NOT BETWEEN 0 AND 130", "age_out_of_range")
    # code: recoded through the _recode table joined as `join_alias`
    codelist = codelists[col.codelist]
    unknown_as = p.bind(col.if_empty) if col.if_empty else "NULL"
    value = f"CASE WHEN {raw} IS NULL THEN {unknown_as} ELSE {join_alias}.code END"
    error = err(f"{join_alias}.code IS NULL", "unknown_label")
    if col.when:
        cond = " AND ".join(f"s.c{index[k]} = {p.bind(v)}" for k, v in col.when.items())
        value = f"CASE WHEN {cond} THEN {value} ELSE {p.bind(col.otherwise)} END"
        error = f"CASE WHEN {cond} THEN {error} END"
    return value, error


def fold(label: str) -> str:
    """How labels are compared: trimmed, upper case, accents removed ('Áncash' = 'ANCASH')."""
    decomposed = unicodedata.normalize("NFD", label.strip())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").upper()


def recode_rows(col: Column, codelists: dict[str, Codelist]) -> list[tuple[str, str, str]]:
    """Label -> code pairs: the spec's recodes, plus each code standing for itself."""
    codelist = codelists[col.codelist]
    pairs = {c: c for c in codelist.code_set() | {codelist.total}}
    for lang in col.match_labels:
        pairs.update({getattr(c, lang): c.code for c in codelist.codes})
    pairs.update(col.recode)
    # one row per upper-cased label, the spec's own recode winning, so the join never duplicates rows
    unique = {fold(label): code for label, code in pairs.items()}
    return [(col.name, label, code) for label, code in unique.items()]


def build_load_sql(src: Source, headers: list[str], codelists: dict[str, Codelist], spec_file: str) -> LoadSQL:
    index = {h: i for i, h in enumerate(headers)}
    p = _Params()
    selects, errors, joins, recodes = ["s._row"], [], [], []
    kept = src.published_columns
    for n, col in enumerate(src.columns):
        alias = f"r{n}"
        if col.personal == "drop":
            continue  # never read beyond staging, so never checked or stored
        value, error = column_exprs(col, src, index, codelists, p, spec_file, alias)
        if col.type == "code":
            # one small table per column, joined on the label alone: a hash join, not a nested loop
            joins.append(f"LEFT JOIN _recode_{n} {alias} "
                         f"ON {alias}.label = upper(strip_accents(trim(s.c{index[col.source]})))")
            recodes.extend((f"_recode_{n}", label, code) for _, label, code in recode_rows(col, codelists))
        name = col.name
        if col in kept:
            selects.append(f"{value} AS {quote('v_' + name)}")
        selects.append(f"nullif(trim(s.c{index[col.source]}), '') AS {quote('t_' + name)}")
        selects.append(f"{error} AS {quote('e_' + name)}")
        if col.suppressed:
            tokens = "[" + ", ".join(p.bind(t) for t in col.suppressed) + "]"
            raw = f"nullif(trim(s.c{index[col.source]}), '')"
            selects.append(f"CASE WHEN list_contains({tokens}, {raw}) THEN {raw} END AS {quote('f_' + name)}")
        formats = ", ".join(col.formats) or "ISO (YYYY-MM-DD)"
        msg = {r: _message(r, p, col=col.source, formats=formats, codelist=col.codelist or "",
                           spec=spec_file, at=col.age_at or "") for r in RULES if r != "unreadable_row"}
        case = " ".join(f"WHEN '{r}' THEN {m}" for r, m in msg.items())
        errors.append(f"SELECT $source, $file, _row, {p.bind(col.source)}, t, rule, CASE rule {case} END "
                      f"FROM (SELECT _row, {quote('t_' + name)} AS t, {quote('e_' + name)} AS rule "
                      f"FROM _checked WHERE {quote('e_' + name)} IS NOT NULL)")
    checked = f"CREATE OR REPLACE TEMP TABLE _checked AS SELECT {', '.join(selects)} FROM _stage s {' '.join(joins)}"
    quarantine = "INSERT INTO quarantine " + " UNION ALL ".join(errors)
    clean = " AND ".join(quote("e_" + c.name) + " IS NULL" for c in kept) or "TRUE"
    raw = quote("raw_" + src.id.replace("-", "_"))
    value_cols = [quote("v_" + c.name) for c in kept]
    flag_cols = [quote("f_" + c.name) for c in kept if c.suppressed]
    insert = (f"INSERT INTO {raw} SELECT {', '.join(value_cols + flag_cols)}, $file, _row "
              f"FROM _checked WHERE {clean}")
    defs = [f"{quote(c.name)} {SQL_TYPES[c.type]}" for c in kept]
    defs += [f"{quote(c.name + '_flag')} VARCHAR" for c in kept if c.suppressed]
    create = f"CREATE TABLE IF NOT EXISTS {raw} ({', '.join(defs)}, _file VARCHAR, _row BIGINT)"
    return LoadSQL(checked, quarantine, insert, create, p.values, recodes)
