"""Named steps of an index write where a test can stop the process and `kill -9` it there.

Inert in production: only when the environment variable `ZWFWTEST_PAUSE_AT` names the step
does the process write its pid to `ZWFWTEST_PAUSE_FILE` and sleep, so a crash test kills a
real process at exactly that step (tests/indexer/test_sigkill_matrix.py). The variable is
not a `ZWFW_` setting on purpose: it is a test hook, not configuration.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

_PAUSE_AT = "ZWFWTEST_PAUSE_AT"
_PAUSE_FILE = "ZWFWTEST_PAUSE_FILE"
_MAX_PAUSE_SECONDS = 120.0  # a test that forgot its process does not leave it behind


def reached(step: str) -> None:
    """Mark that a write has got to `step`; pauses here when a crash test asks for it."""
    if os.environ.get(_PAUSE_AT) != step:
        return
    flag = os.environ.get(_PAUSE_FILE)
    if flag:
        Path(flag).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + _MAX_PAUSE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGKILL)
