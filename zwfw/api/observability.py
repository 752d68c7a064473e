"""Per-request observability: metrics, a JSON access log line and the request log, by route.

Installed as a pure ASGI middleware (cheaper than `BaseHTTPMiddleware`, and it sees the
status of responses produced by exception handlers). Requests are labelled by route
template (`/v1/admin/curation/proposals/{proposal_id}`), never by raw path: raw paths would
explode the metric cardinality and could carry a citizen's query into the logs.

It also offers the one-line helpers the search and chat routes call to log a turn.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zwfw.core.pii import contains_pii
from zwfw.ops import Ops, RequestEvent, Turn, request_id_var
from zwfw.qa.service import QaResult
from zwfw.search import SearchPage

access_log = logging.getLogger("zwfw.access")
UNMATCHED = "<unmatched>"
_STARTED = "zwfw_started"


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, log_requests: bool = True) -> None:
        self.app, self.log_requests = app, log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        token = request_id_var.set(rid)
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        state[_STARTED], state["request_id"] = started, rid
        status = 500  # an exception that escapes every handler becomes a 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", rid.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._record(scope, status, time.perf_counter() - started)
            request_id_var.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route, method = _route(scope), scope["method"]
        ops: Ops | None = getattr(scope["app"].state, "ops", None) if "app" in scope else None
        if ops is not None:
            ops.metrics.observe_request(route, method, status, seconds)
            ops.querylog.record(RequestEvent(route, method, status, round(seconds * 1000, 3)))
        if self.log_requests:
            ms = round(seconds * 1000, 3)
            access_log.info(
                "%s %s %d %.1fms", method, route, status, ms,
                extra={"route": route, "method": method, "status": status, "duration_ms": ms},
            )  # fmt: skip


def install(app: FastAPI, log_requests: bool = True) -> None:
    """Add the middleware; add it last, so that it is the outermost one and every response,
    a 413 of the body limit included, carries the request id."""
    app.add_middleware(ObservabilityMiddleware, log_requests=log_requests)


def log_search_turn(ops: Ops | None, request: Request, page: SearchPage, offset: int) -> None:
    """Enqueue a search turn (the request path pays for one queue put). `ops` is the route's
    `MaybeOpsDep`: with operations disabled nothing is logged."""
    shown = tuple(hit.id for hit in page.hits)
    _log_turn(ops, request, "search", page.query, shown, page.total, page.took_ms, offset, None)


def log_qa_turn(
    ops: Ops | None, request: Request, question: str, result: QaResult, route: str = "qa"
) -> None:
    """Enqueue a QA or chat turn; latency is measured from the start of the request."""
    shown = tuple(s.id for s in result.sources) + tuple(s.id for s in result.suggestions)
    started = getattr(request.state, _STARTED, None)
    ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    total = len(result.sources) + len(result.suggestions)
    _log_turn(ops, request, route, question, shown, total, ms, 0, result.action)


def log_chat_turn(
    ops: Ops | None,
    request: Request,
    message: str,
    action: str,
    shown: Sequence[str],
    session_id: str,
) -> None:
    """Enqueue a chat turn: what was said, the sources and cards shown, the action taken."""
    started = getattr(request.state, _STARTED, None)
    ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    _log_turn(ops, request, "chat", message, shown, len(shown), ms, 0, action, session_id)


def _log_turn(
    ops: Ops | None,
    request: Request,
    route: str,
    query: str,
    shown: Sequence[str],
    total: int,
    latency_ms: float,
    offset: int,
    action: str | None,
    session_id: str | None = None,
) -> None:
    if ops is None:
        return
    turn_id = getattr(request.state, "request_id", None) or request_id_var.get() or ""
    session = session_id or request.headers.get("x-session-id")
    ops.querylog.record(
        Turn(turn_id, route, query, tuple(shown), total, round(latency_ms, 3), offset,
             action, session[:100] if session else None)
    )  # fmt: skip


# What a client's X-Request-ID may be: it is echoed in a header, written to logs and used as
# a turn id, so anything longer or with other characters is replaced by an id of our own.
_VALID_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def _request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is a plain token of at most 64 characters that holds
    no personal number, else a new one (which then replaces the header, so every layer sees
    the same id)."""
    state: dict[str, Any] = scope.get("state") or {}
    if state.get("request_id"):
        return str(state["request_id"])
    headers = [(k, v) for k, v in scope["headers"] if k != b"x-request-id"]
    for name, value in scope["headers"]:
        if name == b"x-request-id" and _plain_id(value):
            return value.decode("ascii")
    rid = uuid.uuid4().hex
    scope["headers"] = [*headers, (b"x-request-id", rid.encode())]
    return rid


def _plain_id(value: bytes) -> bool:
    # A personal number would be stored as the turn id: such an id is replaced too.
    return bool(_VALID_ID.fullmatch(value)) and not contains_pii(value.decode("ascii"))


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else UNMATCHED
