"""`loipr` with a pause at one step, so a crash test can SIGKILL the run exactly there.

Test-only: the pause is wrapped around production functions from here, never written into them.
Usage: python tests/flows/paused_run.py STEP loipr-arguments...   (STEP: load | publish)
  load     after the first source's extract is committed, before the next source loads
  publish  after the edition is staged, before it is swapped into place
"""

from __future__ import annotations

import os
import sys
import time


def pause(step: str) -> None:
    sys.stderr.write(f"LOIPR paused at {step}\n")  # not print: the flow's log_prints would swallow it
    sys.stderr.flush()
    if os.environ.get("LOIPR_PAUSE_MARK"):  # a flow run of a worker: its output is not the test's to read
        with open(os.environ["LOIPR_PAUSE_MARK"], "w") as mark:
            mark.write(str(os.getpid()))
    time.sleep(120)


def install(step: str) -> None:
    if step == "load":
        import warehouse.pipeline as pipeline

        load_one = pipeline.load_one

        def load_then_pause(*args, **kwargs):
            loads = load_one(*args, **kwargs)
            pause(step)
            return loads

        pipeline.load_one = load_then_pause
    elif step == "publish":
        import validators.publish.edition as edition

        swap = edition.swap_into_place

        def pause_then_swap(*args, **kwargs):
            pause(step)
            return swap(*args, **kwargs)

        edition.swap_into_place = pause_then_swap
    else:
        raise SystemExit(f"unknown step {step!r}: load or publish")


if __name__ == "__main__":
    install(sys.argv[1])
    from flows.cli import app

    app(sys.argv[2:], prog_name="loipr")
