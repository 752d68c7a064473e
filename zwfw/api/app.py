"""The FastAPI application: lifespan wiring, request ids, error shape, routers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from zwfw import __version__
from zwfw.api import errors, observability, services
from zwfw.api.examples import ExamplesCache
from zwfw.api.limits import BodyLimitMiddleware
from zwfw.api.routes import (
    admin_faq,
    admin_nav,
    admin_synonyms,
    analytics,
    chat,
    console,
    curation,
    docs,
    health,
    metrics,
    nav,
    pages,
    personal,
    qa,
    ratings,
    search,
    suggest,
)  # fmt: skip
from zwfw.core.errors import ZwfwError
from zwfw.core.settings import Settings, get_settings
from zwfw.ops import Ops
from zwfw.runtime import Runtime, load_runtime

log = logging.getLogger(__name__)
DERIVED_EVERY_SECONDS = 3600.0  # hourly: completions from the query log follow what people type


def _load(app: FastAPI, settings: Settings) -> None:
    try:
        services.attach(app, load_runtime(settings), owned=True)
        log.info("index loaded: %s", app.state.runtime.index.build.name)
    except ZwfwError as exc:
        app.state.load_error = exc.message
        log.error("index not loaded: %s", exc.message)
    except Exception as exc:  # the loader thread must not die: /readyz would say "loading"
        app.state.load_error = f"index not loaded: {type(exc).__name__}: {exc}"
        log.exception("index not loaded")


def _refresh_loop(app: FastAPI, settings: Settings, stop: threading.Event) -> None:
    """Load the index, then pick up what other processes changed, every
    `ZWFW_STATE_POLL_SECONDS`: builds and updates of the shared index (FAQ edits of another
    replica), and the synonyms' version row, read here so that a query seldom pays for it."""
    _load(app, settings)
    derived_at = time.monotonic()
    while not stop.wait(settings.state_poll_seconds):
        runtime: Runtime | None = getattr(app.state, "runtime", None)
        try:
            if runtime is None:
                _load(app, settings)
                continue
            runtime.synonyms.snapshot()
            if runtime.refresh_if_changed():
                derived_at = time.monotonic()  # a reload derives anew
            elif time.monotonic() - derived_at >= DERIVED_EVERY_SECONDS:
                derived_at = time.monotonic()
                runtime.refresh_derived()  # new popular queries become completions
        except ZwfwError as exc:
            log.error("index refresh failed, still serving the previous one: %s", exc.message)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Builds the services: on the runtime passed to `create_app`, or on one loaded in a
    background thread, so /healthz answers at once and /readyz says 503 until the index is
    usable. At the end it closes what it built, and a runtime only when it loaded it."""
    settings: Settings = app.state.settings
    if reason := settings.personal.disabled_reason():
        log.warning("personal space disabled: %s", reason)
    owns_ops = services.start_ops(app)
    given: Runtime | None = app.state.given_runtime
    stop = threading.Event()
    thread = None
    if given is not None:
        services.attach(app, given, owned=False)
    else:
        thread = threading.Thread(target=_refresh_loop, args=(app, settings, stop), daemon=True)
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=5)
        services.detach(app)
        if owns_ops:
            app.state.ops.close()
            app.state.ops = None


def create_app(
    settings: Settings | None = None, runtime: Runtime | None = None, ops: Ops | None = None
) -> FastAPI:
    """The app; pass `runtime` to serve an already-loaded index, `ops` to use an operations
    container of your own (tests, embedding): the caller keeps them and closes them. Unusable
    settings (a database under a file, …) raise `ConfigError` here, at start-up. Services are
    built when the app starts (its lifespan)."""
    settings = settings or get_settings()
    settings.check_paths()
    app = FastAPI(
        title="zwfw",
        version=__version__,
        lifespan=lifespan,
        description="Unified search and customer service for government services.",
        docs_url=None,  # served by routes.docs, with local assets
        redoc_url=None,
        # Any route may meet these; routers declare the rest (401, 403, 404, 409, 429).
        responses=errors.responses(400, 413, 422, 503),
    )
    app.state.settings = settings
    app.state.given_runtime = runtime
    services.empty(app)
    app.state.ops = ops
    app.state.load_error = None
    app.state.page_filters = services.BuildCache()
    app.state.greeting_examples = ExamplesCache()
    app.state.reported_problems = []

    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api.max_body_bytes)
    observability.install(app)  # last: the outermost middleware, so it sees every response
    docs.install(app)
    routers = (
        health.router, search.router, suggest.router, qa.router, chat.router, nav.router,
        admin_nav.router,
        admin_synonyms.router, admin_faq.router, personal.router, ratings.router,
        analytics.router, curation.router, metrics.router, console.router, pages.router,
    )  # fmt: skip
    for router in routers:
        app.include_router(router)
    return app
