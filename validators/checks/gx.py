"""Great Expectations: the registry's GX forms run as a checkpoint over a built table.

GX checks each table independently of pandera, before the decision to publish, with one
ephemeral context per process and the pandas datasource (the DuckDB-over-SQLAlchemy path is
broken, GX issue 11579). Each failure becomes a Finding of its registry check, prefixed `gx:`.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from validators.spec.findings import Finding, finding

from .registry import Expect

MAX_EXAMPLES = 20  # failing values kept per expectation (GX's SUMMARY format)
_VALIDATED: set[str] = set()  # names given to the process's context so far


def gx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """GX matches regexes on text: give it obs_value as written, without the float's '.0'."""
    def as_text(v):
        return None if pd.isna(v) else str(int(v)) if float(v).is_integer() else repr(float(v))
    text = df["obs_value"].map(as_text) if "obs_value" in df else None
    return df.assign(obs_value_text=text)


@lru_cache(maxsize=1)
def gx_context():
    """One ephemeral context per process (each one makes a temporary docs folder), progress bars off."""
    import logging

    import great_expectations as gx

    # GX's child loggers may carry their own level (its INFO line about a temporary docs folder
    # reached the office's terminal): quiet each one, not only the parent.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def run_checkpoint(name: str, df: pd.DataFrame, expects: list[Expect]) -> dict:
    """Validate one DataFrame with a GX checkpoint; return the validation result as a JSON dict."""
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    context = gx_context()
    if name in _VALIDATED:  # a table validated again in this process (listing the stores instead
        # reads back every definition made so far: quadratic over an edition's tables)
        for store in (context.checkpoints, context.validation_definitions, context.suites):
            store.delete(name)
        context.data_sources.delete(f"table-{name}")
    _VALIDATED.add(name)
    batch = context.data_sources.add_pandas(f"table-{name}").add_dataframe_asset(name) \
        .add_batch_definition_whole_dataframe("table")
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


def findings_from_result(request_id: str, result: dict, source_file: str) -> list[Finding]:
    """One finding per failing value (at most MAX_EXAMPLES per expectation), check prefixed gx:."""
    out = []
    for r in result["results"]:
        if r["success"]:
            continue
        config, res = r["expectation_config"], r.get("result") or {}
        check, kw, exp_type = config["meta"]["check"], config["kwargs"], config["type"]
        column = kw.get("column") or ", ".join(kw.get("column_list", []))
        column = "obs_value" if column == "obs_value_text" else column

        def add(row=None, value=None, message=None, **fields):
            text = message if message is not None else f"{exp_type}: " + finding(
                check, request_id, column=column, value=value, **fields).message
            out.append(finding(check, request_id, source_file=source_file, row=row, column=column, value=value,
                               message=text, prefix="gx:"))

        if r.get("exception_info", {}).get("raised_exception"):
            add(message=f"{exp_type} could not run: {r['exception_info']['exception_message']}")
        elif exp_type == "expect_column_to_exist":
            add()
        elif exp_type == "expect_column_distinct_values_to_contain_set":
            missing = sorted(res.get("partial_missing_list") or set(kw["value_set"]) - set(res.get("observed_value") or []))
            shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            add(value=", ".join(missing[:6]),
                message=f"{exp_type}: the table lacks {len(missing)} period(s) the source covers: {shown}")
        elif exp_type == "expect_compound_columns_to_be_unique":
            for idx in res.get("partial_unexpected_index_list") or []:
                add(row=int(idx) + 1, detail=f"at data row {int(idx) + 1}")
        else:
            values = res.get("partial_unexpected_list") or []
            indexes = res.get("partial_unexpected_index_list") or [None] * len(values)
            for value, idx in zip(values, indexes):
                add(row=None if idx is None else int(idx) + 1, value=value)
            if res.get("unexpected_count", 0) > len(values):
                add(message=f"{exp_type}: {res['unexpected_count']} failing values in {column} ({len(values)} shown)")
    return out


def suite_failure(request_id: str, source_file: str, exc: Exception) -> Finding:
    """A suite GX cannot build must not block the edition silently: it is reported."""
    return finding("gx_suite", request_id, source_file=source_file, prefix="gx:",
                   detail=f"{type(exc).__name__}: {exc}")
