"""Builds the services that sit on top of the runtime and puts them on `app.state`.

Routes reach each one through a dependency in their own module (`app.state.chat`, …); this
is the one place that knows how they are constructed and closed.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from fastapi import FastAPI

from zwfw.core.settings import Settings
from zwfw.runtime import Runtime

log = logging.getLogger(__name__)
SERVICES = ("synonyms", "chat", "faq_admin")


def attach(app: FastAPI, runtime: Runtime) -> None:
    """Create every service for a loaded runtime, then publish the runtime last, so a request
    that sees the runtime also sees its services."""
    from zwfw.chat import create_chat_service, create_faq_admin

    settings: Settings = app.state.settings
    app.state.synonyms = runtime.synonyms
    app.state.chat = create_chat_service(
        settings.state_db.with_name("chat.sqlite"), runtime.search, runtime.qa,
        settings.chat.session_ttl_seconds,
    )  # fmt: skip
    app.state.faq_admin = create_faq_admin(
        settings.state_db, lambda: runtime.index.docs, runtime.upsert, runtime.delete
    )
    app.state.runtime = runtime


def detach(app: FastAPI) -> None:
    """Close what `attach` opened; a failure to close one service does not stop the others."""
    chat = getattr(app.state, "chat", None)
    closers = [
        getattr(getattr(chat, "sessions", None), "close", None),
        getattr(getattr(app.state, "faq_admin", None), "close", None),
        getattr(getattr(app.state, "runtime", None), "close", None),
    ]
    for close in closers:
        if close is not None:
            with suppress(Exception):
                close()


def empty(app: FastAPI) -> None:
    for name in (*SERVICES, "runtime"):
        setattr(app.state, name, None)
