"""The office's settings, read once: folders, quiet and offline Prefect.

Every entry point (the `loipr` CLI, the flows run by a worker, the tests) reads them from here,
so the values cannot disagree. Environment variables override the defaults:
LOIPR_SPECS, LOIPR_LANDING, LOIPR_DB, LOIPR_OUTPUTS, LOIPR_KEY_FILE,
LOIPR_ALLOW_SYMLINKS (1: links inside the landing folder are followed), LOIPR_SDMX_AGENCY (the
office's SDMX agency id, which maintains the edition's SDMX structures).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Prefect without a server, offline and quiet (STACK.md): no telemetry, no "database is locked"
# traceback on a fresh PREFECT_HOME, time for the temporary server to start on a busy machine.
OFFLINE_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}
# A quiet terminal is a concern of the interactive CLI (`loipr run`) only.
QUIET_PREFECT = {**OFFLINE_PREFECT, "PREFECT_LOGGING_LEVEL": "WARNING"}


def quiet_prefect(env: dict[str, str] | None = None) -> None:
    """Apply the quiet settings where the office has not set its own (before Prefect is imported)."""
    target = os.environ if env is None else env
    for key, value in QUIET_PREFECT.items():
        target.setdefault(key, value)


def worker_prefect(env: dict[str, str] | None = None) -> None:
    """Settings of `loipr serve` and the flow runs it starts (they inherit its environment).

    Offline like the CLI, but logging at INFO (or LOIPR_LOG_LEVEL): the flows' and tasks' log
    lines (rows read / loaded / quarantined, each request's status) must reach the Prefect server
    and its UI, whatever level a terminal or a test session set for itself."""
    target = os.environ if env is None else env
    for key, value in OFFLINE_PREFECT.items():
        target.setdefault(key, value)
    target["PREFECT_LOGGING_LEVEL"] = target.get("LOIPR_LOG_LEVEL") or "INFO"


@dataclass(frozen=True)
class Settings:
    specs: Path = Path("specs")
    landing: Path = Path("warehouse/landing")
    db: Path = Path("warehouse/loipr.duckdb")
    outputs: Path = Path("outputs")
    key_file: Path = Path("warehouse/.pseudonym-key")
    allow_symlinks: bool = False  # symbolic links in the landing folder (never to outside it)
    # Agency id of the SDMX structures (the office's own); a literal, as importing validators.publish
    # here would slow every command: equal to validators.publish.sdmx.DEFAULT_AGENCY (tested).
    sdmx_agency: str = "LOIPR"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        base = cls()
        paths = {name: Path(env[f"LOIPR_{name.upper()}"]) for name in ("specs", "landing", "db", "outputs", "key_file")
                 if env.get(f"LOIPR_{name.upper()}")}
        links = env.get("LOIPR_ALLOW_SYMLINKS", "").strip().lower() in ("1", "true", "yes")
        agency = env.get("LOIPR_SDMX_AGENCY", "").strip()
        return cls(**{**base.__dict__, **paths, "allow_symlinks": links,
                      **({"sdmx_agency": agency} if agency else {})})

    def with_paths(self, **given: str | Path | None) -> "Settings":
        """These settings with the folders a caller passed explicitly (None: keep the setting)."""
        return Settings(**{**self.__dict__, **{k: Path(v) for k, v in given.items() if v}})


class BadReferenceDate(ValueError):
    pass


def parse_reference_date(text: str) -> date:
    """An edition's reference date, strictly YYYY-MM-DD (the edition folder is named by it)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        raise BadReferenceDate(f"reference date '{text}' is not written YYYY-MM-DD, e.g. 2025-12-31")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadReferenceDate(f"reference date '{text}' is not a day of the calendar") from None


def default_reference(today: date | None = None) -> date:
    """The end of the last complete calendar year: the usual reference date of a State report."""
    return date((today or date.today()).year - 1, 12, 31)
