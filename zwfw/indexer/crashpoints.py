"""Named steps of an index write where a test can stop the process, to `kill -9` it there.

Inert in production: only when the environment variable `ZWFWTEST_PAUSE_AT` names the step
(`step`, or `step#n` for its n-th arrival) does the process write its pid to
`ZWFWTEST_PAUSE_FILE` and wait while that file exists. The test then kills the real process
at exactly that step, or deletes the file to let it go on. The variable is not a `ZWFW_`
setting on purpose: it is a test hook, not configuration.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

_PAUSE_AT = "ZWFWTEST_PAUSE_AT"
_PAUSE_FILE = "ZWFWTEST_PAUSE_FILE"
_MAX_PAUSE_SECONDS = 120.0  # a test that forgot its process does not leave it waiting
_arrivals: Counter[str] = Counter()


def reached(step: str) -> None:
    """Mark that a write has got to `step`; pauses here when a crash test asks for it."""
    wanted = os.environ.get(_PAUSE_AT)
    if not wanted:
        return
    name, _, nth = wanted.partition("#")
    if name != step:
        return
    _arrivals[step] += 1
    flag = os.environ.get(_PAUSE_FILE)
    if _arrivals[step] != int(nth or 1) or not flag:
        return
    Path(flag).write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + _MAX_PAUSE_SECONDS
    while Path(flag).exists() and time.monotonic() < deadline:
        time.sleep(0.02)
