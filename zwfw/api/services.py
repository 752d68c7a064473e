"""Builds the services that sit on top of the runtime and puts them on `app.state`.

Routes reach each one through a dependency in their own module (`app.state.chat`, …); this
is the one place that knows how they are constructed and closed.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any, cast

from fastapi import FastAPI

from zwfw.core.errors import IndexNotReady
from zwfw.core.records import Item, Policy
from zwfw.core.settings import Settings
from zwfw.runtime import Runtime
from zwfw.search.synonyms import RuleKind, SynonymRule

log = logging.getLogger(__name__)
SERVICES = ("synonyms", "chat", "faq_admin", "personal", "nav")


def attach(app: FastAPI, runtime: Runtime) -> None:
    """Create every service for a loaded runtime, then publish the runtime last, so a request
    that sees the runtime also sees its services."""
    from zwfw.chat import create_chat_service, create_faq_admin
    from zwfw.nav import create_nav_service

    settings: Settings = app.state.settings
    app.state.synonyms = runtime.synonyms
    app.state.nav = create_nav_service(settings.state_db, runtime.search)
    app.state.chat = create_chat_service(
        settings.state_db.with_name("chat.sqlite"), runtime.search, runtime.qa,
        settings.chat.session_ttl_seconds, nav=app.state.nav, settings=settings.chat,
    )  # fmt: skip
    app.state.faq_admin = create_faq_admin(
        settings.state_db, lambda: runtime.index.docs, runtime.upsert, runtime.delete
    )
    app.state.personal = _personal(settings, runtime)
    runtime.listeners.append(lambda rt: _after_reload(app, rt))
    connect_ops(app, runtime)
    app.state.runtime = runtime


def connect_ops(app: FastAPI, runtime: Runtime) -> None:
    """Time the query encoder into the metrics and feed popular queries to the suggester;
    called whichever of the runtime and the operations container exists second."""
    ops = getattr(app.state, "ops", None)
    if ops is None or runtime.popular_queries is not None:
        return
    from zwfw.ops import TimedEncoder

    runtime.search.encoder = TimedEncoder(runtime.search.encoder, ops.metrics)
    runtime.popular_queries = lambda: _popular(ops)
    runtime.refresh_derived()


POPULAR_DAYS, POPULAR_MIN_COUNT, POPULAR_LIMIT = 30, 3, 500


def _popular(ops: Any) -> list[str]:
    """Queries typed at least three times in the last 30 days (already masked when logged):
    a query one person typed never becomes a suggestion shown to others."""
    from zwfw.ops import Period

    period = Period(since=time.time() - POPULAR_DAYS * 86_400)
    rows = ops.analytics.top_queries(period, POPULAR_LIMIT)
    return [r.query for r in rows if r.count >= POPULAR_MIN_COUNT]


def _after_reload(app: FastAPI, runtime: Runtime) -> None:
    """A new build from `zwfw index` lacks the administrators' FAQ edits: apply them again,
    and give the personal space the new policies and items."""
    app.state.faq_admin.reapply()
    personal = getattr(app.state, "personal", None)
    if personal is not None:
        personal.reload(*_policies_and_items(runtime))


def _policies_and_items(runtime: Runtime) -> tuple[list[Policy], list[Item]]:
    """What the personal space evaluates and recommends, from the serving index."""
    docs = runtime.index.docs
    policies = [p for p in docs.iter_kind("policy") if isinstance(p, Policy)]
    return policies, [i for i in docs.iter_kind("item") if isinstance(i, Item)]


def _personal(settings: Settings, runtime: Runtime) -> object | None:
    """The personal space, or None (its routes answer 503) until its secrets are configured."""
    cfg = settings.personal
    if cfg.token_secret is None or cfg.id_salt is None:
        log.info("personal space disabled: set ZWFW_PERSONAL__TOKEN_SECRET and …__ID_SALT")
        return None
    from zwfw.personal import create_personal_service

    cfg.db.parent.mkdir(parents=True, exist_ok=True)
    return create_personal_service(
        cfg.db, cfg.token_secret.get_secret_value(), cfg.id_salt.get_secret_value(),
        *_policies_and_items(runtime), cfg.retention_days,
    )  # fmt: skip


def start_ops(app: FastAPI) -> bool:
    """Create the operations container (ratings, query log, curation, metrics) unless one
    was passed in; returns whether this app owns it and must close it."""
    if getattr(app.state, "ops", None) is not None:
        return False
    from zwfw.ops import Publishers, create_ops

    settings: Settings = app.state.settings
    tokens: dict[str, str] = dict.fromkeys(settings.admin.token_hashes, "admin")
    tokens |= settings.ops.role_tokens
    settings.ops.db.parent.mkdir(parents=True, exist_ok=True)
    publishers = Publishers(
        synonym=_synonym_publisher(app), faq=_faq_publisher(app), nav_hint=_hint_publisher(app)
    )
    app.state.ops = create_ops(settings.ops.db, tokens, publishers)
    return True


def _service(app: FastAPI, name: str) -> Any:
    found = getattr(app.state, name, None)
    if found is None:
        raise IndexNotReady(f"the {name} service is not loaded yet")
    return found


def _faq_publisher(app: FastAPI) -> Callable[[str, str, str], None]:
    """An approved FAQ proposal becomes a live entry through the FAQ editor (versioned)."""

    def publish(question: str, answer: str, author: str) -> None:
        from zwfw.chat.faq_admin import FaqAdmin
        from zwfw.core.records import Faq

        faq = Faq(id=FaqAdmin.new_id(), question=question, answer=answer)
        _service(app, "faq_admin").create(faq, author)

    return publish


def _hint_publisher(app: FastAPI) -> Callable[[str, str, str, str], None]:
    """An approved navigation hint: the failing query now leads to an item or a bundle."""

    def publish(query: str, target_type: str, target_id: str, author: str) -> None:
        hint = {
            "id": f"hint-{uuid.uuid4().hex[:10]}",
            "phrases": [query],
            "bundle_id": target_id if target_type == "bundle" else None,
            "item_ids": [target_id] if target_type != "bundle" else [],
        }
        _service(app, "nav").admin.save_hint(hint, author)

    return publish


def _synonym_publisher(app: FastAPI) -> Callable[[str, Sequence[str], str], None]:
    """Approved synonym proposals go live through the same store as admin edits."""

    def publish(kind: str, terms: Sequence[str], author: str) -> None:
        store = getattr(app.state, "synonyms", None)
        if store is None:
            raise IndexNotReady("synonyms are not loaded")
        rule = SynonymRule(id=None, kind=cast(RuleKind, kind), terms=tuple(terms))
        store.create(rule, author=author)

    return publish


def detach(app: FastAPI) -> None:
    """Close what `attach` opened; a failure to close one service does not stop the others."""
    chat = getattr(app.state, "chat", None)
    closers = [
        getattr(getattr(chat, "sessions", None), "close", None),
        getattr(getattr(app.state, "faq_admin", None), "close", None),
        getattr(getattr(app.state, "personal", None), "close", None),
        getattr(getattr(app.state, "nav", None), "close", None),
        getattr(getattr(app.state, "runtime", None), "close", None),
    ]
    for close in closers:
        if close is not None:
            with suppress(Exception):
                close()


def empty(app: FastAPI) -> None:
    for name in (*SERVICES, "runtime"):
        setattr(app.state, name, None)
