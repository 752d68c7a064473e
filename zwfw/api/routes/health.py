"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 once the index is loaded; 503 while loading or when no index could be opened."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        reason = getattr(request.app.state, "load_error", None) or "loading"
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    return JSONResponse(
        {
            "status": "ready",
            "build": runtime.index.build.name,
            "counts": runtime.index.manifest.get("counts", {}),
        }
    )
