"""Progress of a run, stage by stage, on the office's terminal (rich), and nothing elsewhere.

The flow says which stage it is in (`begin("load sources", total)`, `.advance(item)`, `.finish()`);
`loipr run` shows that as progress bars on stderr while the run works. Scheduled runs and
tests call the same functions with no display attached: they do nothing there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_shown: Progress | None = None


class Stage:
    """One stage of the run: `advance(item)` after each source or request it handles."""

    def __init__(self, progress: Progress | None, name: str, total: int) -> None:
        self._progress, self._name = progress, name
        self._task = progress.add_task(name, total=total, item="") if progress else None
        self._started = time.perf_counter()

    def advance(self, item: str = "") -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, item=item)

    def finish(self) -> float:
        """The stage's wall seconds (recorded whether or not a display is attached)."""
        if self._progress is not None:
            self._progress.update(self._task, completed=self._progress.tasks[self._task].total, item="done")
        return time.perf_counter() - self._started


def stage_times(seconds: dict[str, float]) -> str:
    """One line for the log and the terminal: each stage's seconds, then the run's."""
    parts = [f"{name} {s:.1f}" for name, s in seconds.items() if name != "total"]
    return "seconds: " + ", ".join(parts) + (f"; total {seconds['total']:.1f}" if "total" in seconds else "")


def begin(name: str, total: int) -> Stage:
    """A stage starts (shown only while `shown()` is active); call `finish()` when it ends."""
    return Stage(_shown, name, total)


def columns() -> list:
    """Fits 80 columns: stage name, bar, n/N, elapsed time, the item just done (cut to fit)."""
    return [TextColumn("{task.description:<18}"), BarColumn(bar_width=16), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("{task.fields[item]}")]


@contextmanager
def shown(console: Console | None = None) -> Iterator[Progress]:
    """Show the stages while the block runs (on stderr: stdout stays for results)."""
    global _shown
    progress = Progress(*columns(), console=console or Console(stderr=True), transient=False)
    _shown = progress
    try:
        with progress:
            yield progress
    finally:
        _shown = None
