"""Helpers of the browser tests (a module of its own: `conftest` names are ambiguous)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TOKENS = {"admin": "e2e-admin", "editor": "e2e-editor", "reviewer": "e2e-reviewer"}
USER_TOKEN_SECRET = "e2e-user-token-secret-of-at-least-32-bytes"


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
