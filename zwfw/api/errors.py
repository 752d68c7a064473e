"""One JSON error body for every failure (RFC 9457 problem details plus `code` and `request_id`)."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from zwfw.core.errors import ZwfwError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"

STATUS_BY_CODE = {
    "invalid_query": 422,
    "invalid_record": 422,
    "source_error": 422,
    "not_found": 404,
    "forbidden": 403,
    "conflict": 409,
    "rate_limited": 429,
    "index_not_ready": 503,
    "backend_unavailable": 503,
    "config_error": 500,
    "missing_dependency": 500,
    "internal_error": 500,
}


def problem(
    request: Request, status: int, code: str, detail: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "type": f"about:blank#{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": detail,
        "request_id": getattr(request.state, "request_id", None),
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ZwfwError)
    return problem(request, STATUS_BY_CODE.get(exc.code, 500), exc.code, exc.message)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return problem(request, 422, "invalid_request", reasons)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return problem(
        request,
        exc.status_code,
        code.get(exc.status_code, "http_error"),
        str(exc.detail),
        headers=getattr(exc, "headers", None),  # keeps WWW-Authenticate on a 401
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem(request, 500, "internal_error", "an unexpected error occurred")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ZwfwError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
