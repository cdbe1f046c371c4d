"""Great Expectations suites generated from each request spec, run as checkpoints over published tables.

GX re-checks the published CSVs (what reviewers and the annex actually get), independently of
pandera, with an ephemeral context and the pandas datasource (the DuckDB-over-SQLAlchemy path is
broken, GX issue 11579). Each failure becomes a findings row like validators/table.py's, with its
check prefixed `gx:`. Results go to validation/<request>.json; validation/index.html is our own
offline rendering (GX Data Docs load bootstrap/jQuery/vega from CDNs, and the installed package
does not ship them).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .checks import REGISTRY
from .edition import CONTRACT, Edition
from .table import FINDING_COLUMNS

MAX_EXAMPLES = 20  # failing values kept per expectation (GX's SUMMARY format)


@dataclass(frozen=True)
class Expect:
    """One expectation, before GX is imported: its type, kwargs and the registry check it mirrors."""
    type: str
    kwargs: dict
    check: str


def expectations_for(edition: Edition, request_id: str) -> list[Expect]:
    """The suite for one request: what the spec and the manifest say its published table must be."""
    req = edition.catalogue.requests[request_id]
    dims = [d for d, _ in req.delivered_dimensions()]
    out = [Expect("expect_column_to_exist", {"column": c}, "column_present") for c in [*CONTRACT[:1], *dims, *CONTRACT[1:]]]
    for dim in dims:
        codelist = edition.codelist(dim, request_id)
        codes = sorted(codelist.code_set() | {codelist.total})
        out.append(Expect("expect_column_values_to_be_in_set", {"column": dim, "value_set": codes}, "code_in_codelist"))
    out += [
        Expect("expect_column_values_to_be_between", {"column": "obs_value", "min_value": 0}, "non_negative"),
        Expect("expect_column_values_to_be_in_set", {"column": "obs_status", "value_set": ["A", "E", "M"]}, "status_code"),
        Expect("expect_column_values_to_be_in_set", {"column": "conf_status", "value_set": ["F", "C", "D"]}, "status_code"),
        Expect("expect_column_values_to_not_be_null", {"column": "obs_value", "row_condition": 'conf_status=="F"',
                                                       "condition_parser": "pandas"}, "value_present"),
        # GX refuses a compound key of one column: a table with no breakdowns is keyed by period alone
        Expect("expect_compound_columns_to_be_unique", {"column_list": ["time_period", *dims]}, "unique_key")
        if dims else Expect("expect_column_values_to_be_unique", {"column": "time_period"}, "unique_key"),
        Expect("expect_column_values_to_be_in_set",
               {"column": "time_period", "value_set": edition.allowed_periods(request_id)}, "period_in_range"),
        Expect("expect_column_distinct_values_to_contain_set",
               {"column": "time_period", "value_set": edition.covered_periods(request_id)}, "period_coverage"),
    ]
    source = edition.catalogue.sources[req.source]
    value_col = source.column(source.value_column) if source.value_column else None
    if req.measure.kind == "count" or (source.kind == "aggregate" and value_col is not None and value_col.type == "integer"):
        out.append(Expect("expect_column_values_to_match_regex", {"column": "obs_value_text", "regex": r"^-?\d+$"},
                          "whole_number"))
    return out


def _gx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """GX matches regexes on text: give it obs_value as written, without the float's '.0'."""
    def as_text(v):
        return None if pd.isna(v) else str(int(v)) if float(v).is_integer() else repr(float(v))
    text = df["obs_value"].map(as_text) if "obs_value" in df else None
    return df.assign(obs_value_text=text)


def gx_context():
    """One ephemeral context per edition (each one makes a temporary docs folder), progress bars off."""
    import logging

    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def run_checkpoint(name: str, df: pd.DataFrame, expects: list[Expect], context=None) -> dict:
    """Validate one DataFrame with a GX checkpoint; return the validation result as a JSON dict."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    context = context or gx_context()
    batch = context.data_sources.add_pandas(f"edition-{name}").add_dataframe_asset(name) \
        .add_batch_definition_whole_dataframe("published")
    suite = gx.ExpectationSuite(name=name)
    for e in expects:
        suite.add_expectation(get_expectation_impl(e.type)(**e.kwargs, meta={"check": e.check}))
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[definition],
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}))
    result = checkpoint.run(batch_parameters={"dataframe": df})
    (only,) = result.run_results.values()
    return only.to_json_dict()


def _message(check: str, column: str | None, value, exp_type: str, detail: str = "") -> str:
    template = REGISTRY[check].message if check in REGISTRY else "{column}: {detail}"
    return f"{exp_type}: " + template.format(column=column, value=value, detail=detail)


def findings_from_result(request_id: str, result: dict) -> list[dict]:
    """One findings row per failing value (at most MAX_EXAMPLES per expectation), check prefixed gx:."""
    out = []
    for r in result["results"]:
        if r["success"]:
            continue
        config, res = r["expectation_config"], r.get("result") or {}
        check, kw, exp_type = config["meta"].get("check", config["type"]), config["kwargs"], config["type"]
        column = kw.get("column") or ", ".join(kw.get("column_list", []))
        column = "obs_value" if column == "obs_value_text" else column
        severity = REGISTRY[check].severity if check in REGISTRY else "error"
        row = {"spec": request_id, "source_file": f"tables/{request_id}.csv", "column": column,
               "check": f"gx:{check}", "severity": severity}
        if r.get("exception_info", {}).get("raised_exception"):
            out.append({**row, "row": None, "value": None,
                        "message": f"{exp_type} could not run: {r['exception_info']['exception_message']}"})
        elif exp_type == "expect_column_to_exist":
            out.append({**row, "row": None, "value": None, "message": _message(check, column, None, exp_type)})
        elif exp_type == "expect_column_distinct_values_to_contain_set":
            missing = sorted(res.get("partial_missing_list") or set(kw["value_set"]) - set(res.get("observed_value") or []))
            shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            out.append({**row, "row": None, "value": ", ".join(missing[:6]),
                        "message": f"{exp_type}: the table lacks {len(missing)} period(s) the source covers: {shown}"})
        elif exp_type == "expect_compound_columns_to_be_unique":
            for idx in res.get("partial_unexpected_index_list") or []:
                out.append({**row, "row": int(idx) + 1, "value": None,
                            "message": _message(check, column, None, exp_type, detail=f"at data row {int(idx) + 1}")})
        else:
            values = res.get("partial_unexpected_list") or []
            indexes = res.get("partial_unexpected_index_list") or [None] * len(values)
            for value, idx in zip(values, indexes):
                out.append({**row, "row": None if idx is None else int(idx) + 1, "value": str(value),
                            "message": _message(check, column, value, exp_type)})
            if res.get("unexpected_count", 0) > len(values):
                out.append({**row, "row": None, "value": None,
                            "message": f"{exp_type}: {res['unexpected_count']} failing values in {column} "
                                       f"({len(values)} shown)"})
    return out


def validate_edition(edition: Edition, folder: Path | None = None) -> tuple[list[dict], dict[str, float]]:
    """Run every published table's suite; write validation/<id>.json and index.html into `folder`
    (the edition by default); return the GX findings and the seconds each table took."""
    folder = folder or edition.folder
    out_dir = folder / "validation"
    out_dir.mkdir(parents=True, exist_ok=True)
    findings, timings, results = [], {}, {}
    context = gx_context()
    for rid in edition.published_ids():
        start = time.perf_counter()
        expects = expectations_for(edition, rid)
        try:
            result = run_checkpoint(rid, _gx_frame(edition.table(rid)), expects, context)
        except Exception as exc:  # a suite GX cannot build must not block the edition: report it
            findings.append({"spec": rid, "source_file": f"tables/{rid}.csv", "row": None, "column": None,
                             "check": "gx:suite", "value": None, "severity": "warning",
                             "message": f"Great Expectations could not run: {type(exc).__name__}: {exc}"})
            continue
        timings[rid] = round(time.perf_counter() - start, 3)
        suite = [{"type": e.type, "kwargs": e.kwargs, "check": e.check} for e in expects]
        (out_dir / f"{rid}.suite.json").write_text(json.dumps(suite, indent=1, ensure_ascii=False))
        (out_dir / f"{rid}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
        results[rid] = result
        findings += findings_from_result(rid, result)
    from .gx_docs import render_validation_html
    (out_dir / "index.html").write_text(render_validation_html(edition.name, results, findings), encoding="utf-8")
    return findings, timings


def append_findings(folder: Path, findings: list[dict]) -> None:
    """Add GX findings to findings.csv, replacing those of an earlier GX run (rebuilds stay idempotent)."""
    path = folder / "findings.csv"
    old = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame(columns=FINDING_COLUMNS)
    old = old[~old["check"].str.startswith("gx:")]
    new = pd.DataFrame(findings, columns=FINDING_COLUMNS).astype({"row": "Int64"}).astype(str).replace({"<NA>": "", "None": ""})
    pd.concat([old, new], ignore_index=True)[FINDING_COLUMNS].to_csv(path, index=False)
