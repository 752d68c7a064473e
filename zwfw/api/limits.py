"""Request body limit: 413 at ZWFW_API__MAX_BODY_BYTES, without reading the body into memory.

A declared `Content-Length` over the limit is refused before a byte is read. A chunked body
is counted as it streams, and reading stops with a 413 once it passes the limit, so eight
parallel 50 MB posts cost eight times the limit at most, not 400 MB. (The streamed case raises
Starlette's HTTPException, not a domain error: FastAPI turns any other exception raised while
it reads a body into a 400.)
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zwfw.api.errors import MEDIA_TYPE, problem_body


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, counted, send)

    def _detail(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    async def _refuse(self, scope: Scope, send: Send) -> None:
        rid = (scope.get("state") or {}).get("request_id")
        body = json.dumps(problem_body(413, "payload_too_large", self._detail(), rid)).encode()
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", b"%d" % len(body))]
        # The unread body is not drained: closing the connection is cheaper than reading it.
        headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
