"""One JSON error body for every failure (RFC 9457 problem details plus `code` and `request_id`).

Routes raise domain errors only (`zwfw.core.errors`); this module is the one place that turns
them, and the framework's own errors, into a status and a body. `CODES` is the complete list
of codes the API answers with, and docs/api.md is checked against it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zwfw.api.schemas import ErrorBody
from zwfw.core.errors import RateLimited, Unauthorized, ZwfwError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

# Every code the API answers with, and its status.
CODES = {
    "invalid_request": 422,
    "invalid_record": 422,
    "source_error": 422,
    "http_error": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "index_not_ready": 503,
    "backend_unavailable": 503,
    "feature_disabled": 503,
    "config_error": 500,
    "missing_dependency": 500,
    "internal_error": 500,
}
_CODE_BY_HTTP_STATUS = {
    401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "payload_too_large",
}  # fmt: skip


def problem_body(status: int, code: str, detail: str, request_id: str | None) -> dict[str, Any]:
    return {
        "type": f"about:blank#{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": detail,
        "request_id": request_id,
    }


def problem(
    request: Request, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = problem_body(status, code, detail, getattr(request.state, "request_id", None))
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of error statuses, each an `application/problem+json` body."""
    schema = ErrorBody.model_json_schema()
    content = {MEDIA_TYPE: {"schema": schema}}
    return {
        status: {"description": HTTPStatus(status).phrase, "content": content}
        for status in statuses
    }


def _headers(exc: ZwfwError) -> dict[str, str] | None:
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return None


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZwfwError)
    status = CODES.get(exc.code, 500)
    if status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    return problem(request, status, exc.code, exc.message, headers=_headers(exc))


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    broken = [e for e in exc.errors() if e.get("type") == "json_invalid"]
    if broken:
        # Not a value the schema refuses but a body that is not JSON at all: the client's
        # encoder or a truncated upload, which docs/api.md answers with 400.
        where = broken[0]["loc"][-1] if broken[0].get("loc") else "?"
        return problem(
            request, 400, "http_error", f"the request body is not valid JSON (at character {where})"
        )
    reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return problem(request, 422, "invalid_request", reasons)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    """The framework's own errors: unknown route, wrong method, a malformed request."""
    assert isinstance(exc, StarletteHTTPException)
    return problem(
        request,
        exc.status_code,
        _CODE_BY_HTTP_STATUS.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=getattr(exc, "headers", None),  # keeps Allow on a 405
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: logged with the request id, which the client also gets in header and body."""
    rid = getattr(request.state, "request_id", None)
    log.error("unhandled error", exc_info=exc, extra={"request_id": rid})
    response = problem(request, 500, "internal_error", "an unexpected error occurred")
    if rid:
        response.headers["X-Request-ID"] = rid
    return response


def install(app: FastAPI) -> None:
    app.add_exception_handler(ZwfwError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
