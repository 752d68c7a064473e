"""`zwfw serve --demo`: sign-in tokens for trying the console, and the pages' addresses.

Only when the demo flag is given and no token of any kind is configured: a real deployment
configures hashed tokens and never gets these well-known ones.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from zwfw.core.settings import Settings
from zwfw.ops import hash_token

DEMO_TOKENS = {"admin": "demo-admin", "editor": "demo-editor", "reviewer": "demo-reviewer"}


def with_demo_tokens(settings: Settings) -> tuple[Settings, bool]:
    """Settings with the demo tokens (admin, editor, reviewer) when none are configured, and
    whether they were added."""
    if settings.admin.token_hashes or settings.ops.role_tokens:
        return settings, False
    admin = settings.admin.model_copy(update={"token_hashes": [hash_token(DEMO_TOKENS["admin"])]})
    roles = {hash_token(DEMO_TOKENS[r]): r for r in ("editor", "reviewer")}
    ops = settings.ops.model_copy(update={"role_tokens": roles})
    return settings.model_copy(update={"admin": admin, "ops": ops}), True


def banner(host: str, port: int, demo_tokens: bool) -> str:
    """The lines printed at start-up: where the two pages are (and the demo tokens)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    lines = [f"citizen page (市民端):  http://{shown}:{port}/",
             f"console (管理后台):     http://{shown}:{port}/console"]  # fmt: skip
    if demo_tokens:
        tokens = ", ".join(f"{role} {token}" for role, token in DEMO_TOKENS.items())
        lines.append(f"demo console tokens: {tokens} (set ZWFW_ADMIN__TOKEN_HASHES to replace)")
    return "\n".join(lines)


def announce_when_started(server: Any, text: str) -> threading.Thread:
    """Print `text` once the uvicorn `server` listens and its app has loaded the index (or
    failed to), so the addresses are the last lines of the start-up output."""
    state = server.config.app.state

    def ready() -> bool:
        loaded = getattr(state, "runtime", None) is not None
        return server.started and (loaded or getattr(state, "load_error", None) is not None)

    def wait() -> None:
        while not ready() and not server.should_exit:
            time.sleep(0.1)
        if not server.should_exit:
            time.sleep(0.2)  # let the index's own log lines come out first
            print(text, flush=True)

    thread = threading.Thread(target=wait, name="announce", daemon=True)
    thread.start()
    return thread
