"""Helpers of the browser tests (a module of its own: `conftest` names are ambiguous)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TOKENS = {"admin": "e2e-admin", "editor": "e2e-editor", "reviewer": "e2e-reviewer"}
USER_TOKEN_SECRET = "e2e-user-token-secret-of-at-least-32-bytes"

T = TypeVar("T")


def eventually(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 20.0) -> T:
    """`read()` until `ok` holds or `timeout` passes; the last value either way.

    Why: the query log is written by a background thread, and the page sends clicks without
    waiting, so what the service records lags what the browser did by a moment (longer on a
    busy CI machine). Asserting at once made these tests flaky.
    """
    deadline = time.monotonic() + timeout
    value = read()
    while not ok(value) and time.monotonic() < deadline:
        time.sleep(0.2)
        value = read()
    return value


def serious_violations(page: Any) -> list[str]:
    """axe-core, run in the page: the serious and critical violations, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def admin_api(base: str, role: str = "admin") -> httpx.Client:
    headers = {"Authorization": f"Bearer {TOKENS[role]}"}
    return httpx.Client(base_url=base, headers=headers, timeout=30)
