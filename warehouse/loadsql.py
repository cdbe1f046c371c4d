"""Generate the SQL that types, recodes and checks one staged extract (the `_stage` table).

One expression per canonical column gives its typed value (`v_<name>`), its raw text (`t_<name>`)
and the rule it breaks (`e_<name>`, NULL when fine). Constants are bound parameters; the only
identifiers are canonical names, which the spec model restricts to [a-z][a-z0-9_]*.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field

from validators.spec.findings import KINDS
from validators.spec.model import Codelist, Column, Source

from .cellsql import AGE, DECIMAL, WHOLE, YEAR, RowBounds, bounded, cell_text, date_expr, exact, pseudonym
from .db import Params, quote

SQL_TYPES = {"string": "VARCHAR", "code": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE",
             "date": "DATE", "month": "DATE", "year": "DATE", "age": "INTEGER"}

# Quarantine rules a cell can break; their messages are the findings catalogue's templates
# ({value} is the cell as read, {col} its header).
ROW_RULES = ("required", "not_an_integer", "not_a_number", "not_a_date", "not_a_year", "unknown_label",
             "age_out_of_range", "not_an_age", "date_after_load", "date_outside_file_period")

@dataclass
class LoadSQL:
    insert: str                        # INSERT INTO raw_<source> ... (every row typed and hashed once; the good ones)
    checked: str                       # CREATE TEMP TABLE _checked AS ... (the file's rows not inserted, with their rules)
    quarantine: str                    # INSERT INTO quarantine ... (all columns' failures)
    firsts: str | None                 # INSERT INTO raw_<source> ... (the first clean row of each shared record key)
    create_raw: str                    # CREATE TABLE IF NOT EXISTS raw_<source>
    params: dict[str, object] = field(default_factory=dict)
    recodes: list[tuple[str, str, str]] = field(default_factory=list)  # (temp table, LABEL, code)
    maps: list[str] = field(default_factory=list)  # CREATE TEMP TABLE _map_<n>: label as read -> code
    dupkeys: str | None = None         # CREATE TEMP TABLE _dupkeys: record keys given by more than one row


def _message(rule: str, p: Params, **known: str) -> str:
    """SQL expression for the rule's message, the cell value spliced in at {value}."""
    template = KINDS[rule].template
    for key, val in known.items():
        template = template.replace("{" + key + "}", val)
    head, _, tail = template.partition("{value}")
    return f"concat({p.bind(head)}, coalesce(t, ''), {p.bind(tail)})" if _ else p.bind(head)


def column_exprs(col: Column, src: Source, index: dict[str, int], p: Params,
                 join_alias: str, bounds: RowBounds | None = None) -> tuple[dict[str, str], str]:
    """Named expressions computed once per row (over the staged text), and the rule broken.

    The rule is written over those names (t_ raw text, v_ typed value, b_ birth date, w_ `when`
    holds, m_ a blank label), so nothing is parsed twice: this query runs over every row of twenty years of data.
    """
    raw = cell_text(f"s.c{index[col.source]}")
    t, v = quote("t_" + col.name), quote("v_" + col.name)
    exprs = {"t_" + col.name: raw}
    missing = "NULL" if col.nullable or col.if_empty else "'required'"

    def err(cond: str, rule: str) -> str:
        return f"CASE WHEN {t} IS NULL THEN {missing} WHEN {cond} THEN '{rule}' END"

    if col.type == "string":
        exprs["v_" + col.name] = pseudonym(raw, p) if col.personal == "pseudonymise" else raw
        return exprs, f"CASE WHEN {t} IS NULL THEN {missing} END"
    if col.type in ("integer", "number"):
        cast = "BIGINT" if col.type == "integer" else "DOUBLE"
        tokens = "[" + ", ".join(p.bind(x) for x in col.suppressed) + "]" if col.suppressed else "[]"
        number = f"replace({raw}, {p.bind(col.thousands)}, '')" if col.thousands else raw
        exprs["v_" + col.name] = exact(number, WHOLE if col.type == "integer" else DECIMAL, p, cast)
        rule = "not_an_integer" if col.type == "integer" else "not_a_number"
        return exprs, err(f"{v} IS NULL AND NOT list_contains({tokens}, {t})", rule)
    if col.type in ("date", "month"):
        formats = col.formats or (["%Y-%m-%d"] if col.type == "date" else ["%Y-%m"])
        value = date_expr(raw, formats, p)
        exprs["v_" + col.name] = f"date_trunc('month', {value})" if col.type == "month" else value
        return exprs, bounded(err(f"{v} IS NULL", "not_a_date"), v, bounds if col.name == src.period_column else None, p)
    if col.type == "year":
        year = exact(raw, YEAR, p, "INTEGER")
        exprs["v_" + col.name] = f"CASE WHEN {year} BETWEEN 1900 AND 2100 THEN make_date({year}, 1, 1) END"
        return exprs, bounded(err(f"{v} IS NULL", "not_a_year"), v, bounds if col.name == src.period_column else None, p)
    if col.type == "age" and col.age_at:
        at_col = src.column(col.age_at)
        at = date_expr(cell_text(f"s.c{index[at_col.source]}"), at_col.formats or ["%Y-%m-%d"], p)
        b, a = quote("b_" + col.name), quote("a_" + col.name)
        exprs["b_" + col.name] = date_expr(raw, col.formats, p)
        exprs["a_" + col.name] = at
        exprs["v_" + col.name] = f"CAST(date_sub('year', {date_expr(raw, col.formats, p)}, {at}) AS INTEGER)"
        # a birth date days after the movement gives 0 completed years, not a negative age: compare dates
        return exprs, (f"CASE WHEN {t} IS NULL THEN {missing} WHEN {b} IS NULL THEN 'not_a_date' "
                       f"WHEN {b} > {a} OR {v} > 130 THEN 'age_out_of_range' END")
    if col.type == "age":
        exprs["v_" + col.name] = exact(raw, AGE, p, "INTEGER")
        return exprs, (f"CASE WHEN {t} IS NULL THEN {missing} WHEN {v} IS NULL THEN 'not_an_age' "
                       f"WHEN {v} > 130 THEN 'age_out_of_range' END")
    # code: recoded through a small label -> code table joined as `join_alias`
    # The label map says whether a label is blank (see build_load_sql), so no row is trimmed here.
    unknown_as = p.bind(col.if_empty) if col.if_empty else "NULL"
    value = f"CASE WHEN {join_alias}.blank THEN {unknown_as} ELSE {join_alias}.code END"
    exprs["m_" + col.name] = f"{join_alias}.blank"
    error = f"CASE WHEN {quote('m_' + col.name)} THEN {missing} WHEN {v} IS NULL THEN 'unknown_label' END"
    if col.when:
        cond = " AND ".join(f"s.c{index[k]} = {p.bind(val)}" for k, val in col.when.items())
        exprs["w_" + col.name] = cond
        value = f"CASE WHEN {cond} THEN {value} ELSE {p.bind(col.otherwise)} END"
        error = f"CASE WHEN {quote('w_' + col.name)} THEN {error} END"
    exprs["v_" + col.name] = value
    return exprs, error


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


def build_load_sql(src: Source, headers: list[str], codelists: dict[str, Codelist], spec_file: str,
                   bounds: RowBounds | None = None) -> LoadSQL:
    """Passes over the staged text, each row typed and hashed once.

    `_dupkeys` groups the record keys (one column, a hash aggregate); the insert types and hashes
    every row once and writes the good ones; `_checked` holds the file's rows it did not write (a
    rule broken, a key shared) with their text and rules, worked out again for them alone. Measured
    on 10 M movement rows: 108 CPU s when the insert typed and hashed every row a second time, 84 s
    with a temporary table of every typed row, ... now (benchmarks/RESULTS.md).
    """
    index = {h: i for i, h in enumerate(headers)}
    p = Params()
    kept = [c for c in src.columns if c.personal != "drop"]  # dropped columns are never read
    exprs_of, errors, joins, recodes, maps, outer, messages = {}, {}, {}, [], [], [], []
    for n, col in enumerate(kept):
        alias = f"r{n}"
        exprs_of[col.name], errors[col.name] = column_exprs(col, src, index, p, alias, bounds)
        if col.type == "code":
            # Labels are folded once per distinct label (a handful), not once per row; the row
            # query then hash-joins on the label exactly as written.
            c = f"c{index[col.source]}"
            maps.append(f"CREATE OR REPLACE TEMP TABLE _map_{n} AS SELECT d.{c} AS raw, r.code, "
                        f"nullif(trim(d.{c}), '') IS NULL AS blank FROM "
                        f"(SELECT DISTINCT {c} FROM _stage_text) d LEFT JOIN _recode_{n} r "
                        f"ON r.label = upper(strip_accents(trim(d.{c})))")
            joins[col.name] = f"LEFT JOIN _map_{n} {alias} ON {alias}.raw IS NOT DISTINCT FROM s.{c}"
            recodes.extend((f"_recode_{n}", label, code) for _, label, code in recode_rows(col, codelists))
        outer.append(f"{errors[col.name]} AS {quote('e_' + col.name)}")
        formats = ", ".join(col.formats) or ("ISO (YYYY-MM)" if col.type == "month" else "ISO (YYYY-MM-DD)")
        period = bounds.period[2] if bounds and bounds.period else ""
        load_day = bounds.load_date.isoformat() if bounds else ""
        msg = {r: _message(r, p, col=col.source, formats=formats, codelist=col.codelist or "",
                           spec=spec_file, at=col.age_at or "", load_date=load_day, period=period)
               for r in ROW_RULES}
        case = " ".join(f"WHEN '{r}' THEN {m}" for r, m in msg.items())
        messages.append(f"SELECT $source, $file, _row, {p.bind(col.source)}, t, rule, CASE rule {case} END "
                        f"FROM (SELECT _row, {quote('t_' + col.name)} AS t, {quote('e_' + col.name)} AS rule "
                        f"FROM _checked WHERE {quote('e_' + col.name)} IS NOT NULL)")

    def typed(names: list[str], hashed: bool = True, numbered: bool = True, where: str = "") -> str:
        """The staged rows with the named columns' expressions (and only the joins they need)."""
        cols = [c for c in kept if c.name in names]
        exprs = [f"{e} AS {quote(name)}" for c in cols for name, e in exprs_of[c.name].items()
                 if hashed or not (c.personal == "pseudonymise" and name.startswith("v_"))]
        rows, stage = ("s._row, ", "_stage") if numbered else ("", "_stage_text")
        joined = " ".join(joins[c.name] for c in cols if c.name in joins)
        return f"SELECT {rows}{', '.join(exprs)} FROM {stage} s {joined}{where}"

    every = [c.name for c in kept]
    clean = " AND ".join(quote("e_" + c.name) + " IS NULL" for c in kept) or "TRUE"
    keys = [c for c in kept if c.name in src.record_key] if src.kind == "microdata" else []
    key_exprs = [dup_key(c) for c in keys]
    first, dup_error = duplicate_sql(src, keys, key_exprs, clean, p)
    dupkeys, shared, joined = None, "false", ""
    if keys:
        dupkeys = (f"CREATE OR REPLACE TEMP TABLE _dupkeys AS SELECT "
                   f"{', '.join(f'{k} AS k{i}' for i, k in enumerate(key_exprs))}, true AS _shared "
                   f"FROM ({typed([c.name for c in keys], hashed=False, numbered=False)}) GROUP BY ALL HAVING count(*) > 1")
        on = " AND ".join(f"d.k{i} = {k}" for i, k in enumerate(key_exprs))
        shared, joined = "coalesce(d._shared, false)", f" LEFT JOIN _dupkeys d ON {on}"
    values = [quote("v_" + c.name) for c in kept]
    # a suppressed cell ("<5") keeps its token as a flag; its value stays NULL
    flags = [f"CASE WHEN {quote('v_' + c.name)} IS NULL THEN {quote('t_' + c.name)} END"
             for c in kept if c.suppressed]
    raw = quote("raw_" + src.id.replace("-", "_"))

    def ruled(rows: str) -> str:
        """The rows with each column's broken rule (`e_<name>`) and the record-key join."""
        return f"(SELECT {', '.join(outer)}, * FROM ({rows})) x{joined}"

    def stored(rows: str, where: str) -> str:
        """INSERT of the rows' stored values (typed, hashed, flags, provenance)."""
        return (f"INSERT INTO {raw} SELECT {', '.join(values + flags)}, $file, x._row, $part "
                f"FROM {ruled(rows)} WHERE {where}")

    # One pass types and hashes every row and writes the good ones straight into the warehouse
    # (no temporary copy of all rows). The bad rows are those of the file it did not write: their
    # rules and texts are worked out again for them alone, a handful. They are found by record
    # number alone, then picked by `_seq`: a filter on a computed `_row` made the scan read every
    # column of every row first (3.0 CPU s at 10 M movement rows; 1.8 by `_seq`).
    unwritten = (f"SELECT b._seq FROM _stage b WHERE NOT EXISTS (SELECT 1 FROM {raw} w WHERE w._part = $part "
                 f"AND w._file = $file AND w._row = b._row)")
    insert = stored(typed(every), f"{clean} AND NOT {shared}")
    bad = typed(every, hashed=False, where=f" WHERE s._seq IN ({unwritten})")
    checked = (f"CREATE OR REPLACE TEMP TABLE _checked AS SELECT *{first} FROM (SELECT x.*, {shared} AS _shared "
               f"FROM {ruled(bad)})")
    quarantine = "INSERT INTO quarantine " + " UNION ALL ".join(messages + dup_error)
    firsts = None
    if dup_error:  # the first clean row of a shared key is kept: typed and hashed again, alone
        kept_rows = f"{clean} AND (_first IS NULL OR _first = _row)"  # a clean row here shares its key
        firsts = stored(typed(every, where=f" WHERE s._row IN (SELECT _row FROM _checked WHERE {kept_rows})"), "true")
    return LoadSQL(insert, checked, quarantine, firsts, raw_table_ddl(src), p.values, recodes, maps, dupkeys)


def dup_key(col: Column) -> str:
    """What makes two rows' keys equal: the typed value, or for a pseudonym the text it hashes
    (equal text, equal hash), so that grouping needs no sha256 of every row."""
    if col.personal == "pseudonymise":
        return quote("t_" + col.name)  # NULL when blank: a blank key is no record, as for a key in clear
    return quote("v_" + col.name)


def duplicate_sql(src: Source, keys: list[Column], key_exprs: list[str], clean: str,
                  p: Params) -> tuple[str, list[str]]:
    """Microdata `record_key`: `_first` is the first clean row with the same key; later ones are quarantined.

    The message names the row of the first occurrence, never the key's value (it may identify a person).
    """
    if not keys:
        return "", []
    present = " AND ".join(f"{k} IS NOT NULL" for k in key_exprs)
    first = (f", CASE WHEN {clean} AND {present} THEN min(_row) OVER (PARTITION BY ({clean}), "
             f"{', '.join(key_exprs)}) END AS _first")
    head, _, tail = KINDS["duplicate_record"].template.replace(
        "{col}", ", ".join(c.source for c in keys)).partition("{first}")
    error = (f"SELECT $source, $file, _row, {p.bind(', '.join(c.source for c in keys))}, NULL, 'duplicate_record', "
             f"concat({p.bind(head)}, CAST(_first AS VARCHAR), {p.bind(tail)}) "
             f"FROM _checked WHERE _first IS NOT NULL AND _first <> _row")
    return first, [error]


def raw_table_ddl(src: Source) -> str:
    """CREATE TABLE IF NOT EXISTS raw_<source>: typed canonical columns, flags, provenance."""
    kept = [c for c in src.columns if c.personal != "drop"]
    defs = [f"{quote(c.name)} {'UHUGEINT' if c.personal == 'pseudonymise' else SQL_TYPES[c.type]}" for c in kept]
    defs += [f"{quote(c.name + '_flag')} VARCHAR" for c in kept if c.suppressed]
    raw = quote("raw_" + src.id.replace("-", "_"))
    # `_part` tells one load of a file from every other (load_part): an integer, so that the search
    # for a file's rows skips the other files' row groups by their min/max, which text cannot do
    # (DuckDB keeps 8 bytes of a string's min/max, and every movement file's name starts alike)
    return f"CREATE TABLE IF NOT EXISTS {raw} ({', '.join(defs)}, _file VARCHAR, _row BIGINT, _part BIGINT)"


def load_part(rel: str, sha: str) -> int:
    """The `_part` of the rows of file `rel` loaded with content `sha`: 60 bits of their digest.

    Rows are still matched by `_file` too, so two parts that happened to collide would only cost the skip."""
    return int(hashlib.sha256(f"{rel}\0{sha}".encode()).hexdigest()[:15], 16)
