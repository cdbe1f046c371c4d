"""Keep C libraries' prints off the office's terminal.

HiGHS prints a licence banner on the process's stdout (file descriptor 1, below Python's
sys.stdout) each time a `Highs()` object is made, before any option can silence it. Around a
stage that makes solvers, `captured_stdout()` points descriptor 1 at a temporary file and gives
back what was printed, so the caller can log it at debug level instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


class Captured:
    """What was printed on descriptor 1 inside the block (filled when the block ends)."""

    def __init__(self) -> None:
        self.text = ""


@contextmanager
def captured_stdout() -> Iterator[Captured]:
    sys.stdout.flush()  # what Python printed before the block stays on the terminal
    captured = Captured()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        try:
            yield captured
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            captured.text = sink.read().decode("utf-8", "replace")
