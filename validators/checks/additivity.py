"""Pure functions over a built table: keys, totals that differ from their parts, missing periods."""

from __future__ import annotations

from typing import Callable

import pandas as pd

from validators.spec.model import TOTAL


def key_columns(dims: list[str]) -> list[str]:
    return ["time_period", *dims]


def unique_key(dims: list[str]) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(key_columns(dims), keep=False)
    return check


def total_comparisons(df: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Every total row that has parts, against what its parts allow, one row per (total, dimension).

    Parts suppressed by the source contribute 0..their upper bound (`_upper`), so a published
    total only disagrees when no value of the hidden parts could make the sum match. A total is
    compared only with a complete set of parts (every code the period gives for the dimension):
    a publisher printing one form of exploitation by sex and age is not a total that disagrees.
    """
    out = []
    upper = df["_upper"] if "_upper" in df else df["obs_value"]
    frame = df.assign(_lo=df["obs_value"].fillna(0), _hi=upper.fillna(df["obs_value"].fillna(0)), _idx=df.index)
    for dim in dims:
        others = key_columns([d for d in dims if d != dim])
        given = frame[frame[dim] != TOTAL]
        parts = given.groupby(others, dropna=False).agg(_lo=("_lo", "sum"), _hi=("_hi", "sum"),
                                                        _codes=(dim, "nunique")).reset_index()
        full = given.groupby("time_period")[dim].nunique().rename("_full").reset_index()
        parts = parts.merge(full, on="time_period")
        parts = parts[parts["_codes"] == parts["_full"]]
        totals = frame[(frame[dim] == TOTAL) & frame["obs_value"].notna()]
        merged = totals.merge(parts, on=others, suffixes=("", "_parts"))
        # column by column, not row by row: a cube of 250,000 cells is compared in a second, not
        # minutes; only a total that disagrees gets its words
        match = ~((merged["obs_value"] < merged["_lo_parts"]) | (merged["obs_value"] > merged["_hi_parts"]))
        detail = pd.Series("", index=merged.index, dtype=object)
        bad = merged[~match]
        keys = zip(*(bad[c].tolist() for c in key_columns(dims)))
        for at, value, lo, hi, key in zip(bad.index, bad["obs_value"].tolist(), bad["_lo_parts"].tolist(),
                                          bad["_hi_parts"].tolist(), keys):
            where = ", ".join(f"{c}={v}" for c, v in zip(key_columns(dims), key))
            span = f"{lo:g}" if lo == hi else f"between {lo:g} and {hi:g}"
            detail[at] = f"total over {dim} is {value:g} but its parts add up to {span} ({where})"
        out.append(pd.DataFrame({"_idx": merged["_idx"].to_numpy(), "column": dim, "value": merged["obs_value"].to_numpy(),
                                 "match": match.to_numpy(), "detail": detail.to_numpy()}))
    columns = ["_idx", "column", "value", "match", "detail"]
    return pd.concat(out, ignore_index=True)[columns] if out else pd.DataFrame(columns=columns)


def additivity_gaps(df: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Total rows whose value lies outside what their parts allow, one row per (total, dimension)."""
    compared = total_comparisons(df, dims)
    return compared[~compared["match"].astype(bool)][["_idx", "column", "value", "detail"]]


def reconcile_totals(df: pd.DataFrame, dims: list[str], shown: int = 6) -> dict:
    """The publisher's printed totals against the sum of their parts, in aggregate figures only:
    {checked, match, mismatch, examples} (`shown` disagreements, the widest totals first)."""
    compared = total_comparisons(df, dims)
    matched = int(compared["match"].astype(bool).sum()) if len(compared) else 0
    bad = compared[~compared["match"].astype(bool)] if len(compared) else compared
    if len(bad):  # the widest totals first (the grand total before a total within one sex), then table order
        width = df.loc[bad["_idx"], dims].eq(TOTAL).sum(axis=1).to_numpy()
        bad = bad.assign(_width=-width).sort_values(["_width", "_idx"])
    return {"checked": len(compared), "match": matched, "mismatch": len(compared) - matched,
            "examples": bad["detail"].head(shown).tolist()}


def total_equals_parts(dims: list[str]) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        gaps = additivity_gaps(df, dims)
        return ~df.index.isin(gaps["_idx"])
    return check


def value_present(df: pd.DataFrame) -> pd.Series:
    """A free cell has a value; only withheld (C) or missing (obs_status M) cells may be empty."""
    missing = df["obs_status"].astype(str).eq("M") if "obs_status" in df else False
    return ~(df["conf_status"].astype(str).eq("F") & df["obs_value"].isna() & ~missing)


def missing_periods(expected: list[str], present: list[str]) -> list[str]:
    have = set(present)
    return [p for p in expected if p not in have]


def describe_missing(missing: list[str]) -> str:
    shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
    return f"the source gives no data for {len(missing)} requested period(s): {shown}"
