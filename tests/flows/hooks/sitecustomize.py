"""Test-only: with LOIPR_TEST_PAUSE=STEP, any Python started with this folder on PYTHONPATH
(a flow run started by the worker) pauses at STEP as tests/flows/paused_run.py does."""

import os
import sys

if os.environ.get("LOIPR_TEST_PAUSE"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import paused_run

    paused_run.install(os.environ["LOIPR_TEST_PAUSE"])
