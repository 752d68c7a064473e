"""Builds the services that sit on top of the runtime into one frozen, typed `Services`.

`attach` publishes the container whole as `app.state.services`; routes reach it only through
the dependency aliases of `api/deps.py`. This is the one place that knows how the services
are constructed and closed; it closes only what the app created.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from fastapi import FastAPI

from zwfw.chat import ChatService
from zwfw.chat.faq_admin import FaqAdmin
from zwfw.core.errors import IndexNotReady, ZwfwError
from zwfw.core.records import Item, Policy
from zwfw.core.settings import Settings
from zwfw.nav import NavService
from zwfw.personal import PersonalService
from zwfw.runtime import Runtime
from zwfw.search.synonyms import RuleKind, SynonymRule, SynonymStore
from zwfw.storage import Storage, open_storage
from zwfw.storage.kv import KeyValue, open_kv

log = logging.getLogger(__name__)
T = TypeVar("T")
# The citizen page's filter options: (region code, name) pairs and audiences.
FilterOptions = tuple[list[tuple[str, str]], list[str]]


@dataclass(frozen=True)
class Services:
    """Everything built on one loaded runtime; `personal` is None when it is disabled (not
    configured, or misconfigured: that disables it alone). `owns_runtime` says whether the
    app loaded the runtime itself, and so closes it."""

    runtime: Runtime
    storage: Storage
    sessions: KeyValue
    synonyms: SynonymStore
    nav: NavService
    chat: ChatService
    faq_admin: FaqAdmin
    personal: PersonalService | None
    owns_runtime: bool


def build(settings: Settings, runtime: Runtime, owns_runtime: bool = False) -> Services:
    """Every service of a loaded runtime, on the settings' storage and session store."""
    from zwfw.chat import create_chat_service, create_faq_admin
    from zwfw.nav import create_nav_service

    storage, sessions = open_storage(settings), open_kv(settings)
    nav = create_nav_service(storage, runtime.search, sessions=sessions)
    chat = create_chat_service(
        sessions,
        runtime.search,
        runtime.qa,
        settings.chat.session_ttl_seconds,
        nav=nav,
        settings=settings.chat,
    )
    faq_admin = create_faq_admin(
        storage, lambda: runtime.index.docs, runtime.upsert, runtime.delete
    )
    personal = _personal(settings, runtime, storage)
    return Services(
        runtime, storage, sessions, runtime.synonyms, nav, chat, faq_admin, personal, owns_runtime
    )


class BuildCache(Generic[T]):
    """One value derived from the serving index build, computed on first use and again when
    the build changes (a reload), never per request. Thread-safe."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self, build: str, compute: Callable[[], T]) -> T:
        with self._lock:
            if self._value is None or self._key != build:
                self._value, self._key = compute(), build
            return self._value


def attach(app: FastAPI, runtime: Runtime, owned: bool = False) -> None:
    """Create every service for a loaded runtime, wire them to it, then publish the container
    (the runtime with it), so a request sees either no services or all of them ready.
    `owned`: the app loaded the runtime and closes it at shutdown (a runtime passed to
    `create_app` is the caller's)."""
    services = build(app.state.settings, runtime, owned)
    runtime.listeners.append(_FollowBuilds(services))
    connect_ops(app, runtime)
    app.state.services = services
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


def _disconnect_ops(runtime: Runtime) -> None:
    """Undo `connect_ops` on a runtime the caller keeps: it must not time into, or read
    popular queries from, an operations container this app is about to close."""
    from zwfw.ops import TimedEncoder

    if isinstance(runtime.search.encoder, TimedEncoder):
        runtime.search.encoder = runtime.search.encoder.inner
    runtime.popular_queries = None


POPULAR_DAYS, POPULAR_MIN_COUNT, POPULAR_LIMIT = 30, 3, 500


def _popular(ops: Any) -> list[str]:
    """Queries typed at least three times in the last 30 days (already masked when logged):
    a query one person typed never becomes a suggestion shown to others."""
    from zwfw.ops import Period

    period = Period(since=time.time() - POPULAR_DAYS * 86_400)
    rows = ops.analytics.top_queries(period, POPULAR_LIMIT)
    return [r.query for r in rows if r.count >= POPULAR_MIN_COUNT]


class _FollowBuilds:
    """After a reload. A new build from `zwfw index` lacks the administrators' FAQ edits:
    apply them again, and give the personal space the new policies and items. An update of
    the same build (another replica's FAQ edit or upsert) already holds them: re-applying
    there would write the index again and make every other replica reload, back and forth."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._serving = services.runtime.index.build.name

    def __call__(self, runtime: Runtime) -> None:
        if runtime.index.build.name == self._serving:
            return
        self._serving = runtime.index.build.name
        self.services.faq_admin.reapply()
        if self.services.personal is not None:
            self.services.personal.reload(*_policies_and_items(runtime))


def _policies_and_items(runtime: Runtime) -> tuple[list[Policy], list[Item]]:
    """What the personal space evaluates and recommends, from the serving index."""
    docs = runtime.index.docs
    policies = [p for p in docs.iter_kind("policy") if isinstance(p, Policy)]
    return policies, [i for i in docs.iter_kind("item") if isinstance(i, Item)]


def _personal(settings: Settings, runtime: Runtime, storage: Storage) -> PersonalService | None:
    """The personal space, or None (its routes answer 503) until its secrets are configured.
    Its own misconfiguration disables it alone: search and the other services still load."""
    cfg = settings.personal
    # A bad key disables the personal space alone (logged at start-up), never search.
    if cfg.disabled_reason() is not None or cfg.token_secret is None or cfg.id_salt is None:
        return None
    from zwfw.personal import create_personal_service

    try:
        return create_personal_service(
            storage, cfg.token_secret.get_secret_value(), cfg.id_salt.get_secret_value(),
            *_policies_and_items(runtime), cfg.retention_days,
        )  # fmt: skip
    except ZwfwError as exc:
        log.error("personal space disabled: %s", exc.message)
        return None


def start_ops(app: FastAPI) -> bool:
    """Create the operations container (ratings, query log, curation, metrics) unless one
    was passed in; returns whether this app owns it and must close it. Built in a guard of
    its own: an unusable state database or role setting disables operations, not search."""
    if getattr(app.state, "ops", None) is not None:
        return False
    from zwfw.ops import Publishers, create_ops
    from zwfw.ops.ratelimit import create_rate_limiter

    settings: Settings = app.state.settings
    tokens: dict[str, str] = dict.fromkeys(settings.admin.token_hashes, "admin")
    tokens |= settings.ops.role_tokens
    publishers = Publishers(
        synonym=_synonym_publisher(app), faq=_faq_publisher(app), nav_hint=_hint_publisher(app)
    )
    try:
        app.state.ops = create_ops(
            open_storage(settings), tokens, publishers,
            rating_limiter=create_rate_limiter(settings, "ratings"),
            click_limiter=create_rate_limiter(settings, "clicks", capacity=60, per_second=1.0),
            querylog_retention_days=settings.ops.querylog_retention_days,
        )  # fmt: skip
    except ZwfwError as exc:
        log.error("operations disabled: %s", exc.message)
        return False
    return True


def _services(app: FastAPI) -> Services:
    """The loaded services, for a publisher (an approval may come while the index loads)."""
    found: Services | None = getattr(app.state, "services", None)
    if found is None:
        raise IndexNotReady("the index is still loading; publish again when it is ready")
    return found


def _faq_publisher(app: FastAPI) -> Callable[[str, str, str], None]:
    """An approved FAQ proposal becomes a live entry through the FAQ editor (versioned)."""

    def publish(question: str, answer: str, author: str) -> None:
        from zwfw.chat.faq_admin import FaqAdmin
        from zwfw.core.records import Faq

        faq = Faq(id=FaqAdmin.new_id(), question=question, answer=answer)
        _services(app).faq_admin.create(faq, author)

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
        _services(app).nav.admin.save_hint(hint, author)

    return publish


def _synonym_publisher(app: FastAPI) -> Callable[[str, Sequence[str], str], None]:
    """Approved synonym proposals go live through the same store as admin edits."""

    def publish(kind: str, terms: Sequence[str], author: str) -> None:
        rule = SynonymRule(id=None, kind=cast(RuleKind, kind), terms=tuple(terms))
        _services(app).synonyms.create(rule, author=author)

    return publish


def detach(app: FastAPI) -> None:
    """Close what `attach` opened, and the runtime only when the app loaded it; a failure to
    close one service does not stop the others. The app is then empty again."""
    services: Services | None = getattr(app.state, "services", None)
    if services is None:
        return
    # A runtime that outlives the app (the caller's) must not call back into closed services.
    listeners = services.runtime.listeners
    listeners[:] = [f for f in listeners if getattr(f, "services", None) is not services]
    closers: list[Callable[[], None]] = [services.faq_admin.close, services.nav.close]
    if services.personal is not None:
        closers.append(services.personal.close)
    if services.owns_runtime:
        closers.append(services.runtime.close)
    else:
        _disconnect_ops(services.runtime)
    for close in closers:
        with suppress(Exception):
            close()
    empty(app)


def empty(app: FastAPI) -> None:
    """Nothing loaded yet: the dependencies answer `IndexNotReady` until `attach`."""
    app.state.services = app.state.runtime = None
