"""Liveness and readiness probes.

/readyz is what a load balancer routes by, so it checks what requests need: the index, and
the one state database every service writes to. A SQLite file that was deleted under the server,
became read-only, or whose disk is full makes it 503 with the store named, instead of
edits that return 201 and are lost at the next restart; an unreachable PostgreSQL likewise.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from zwfw.core.errors import BackendUnavailable
from zwfw.core.settings import Settings
from zwfw.storage import Storage

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])
# Below this much free space a database cannot be trusted to take the next write (WAL
# checkpoints copy pages), so the store is reported before writes start failing.
MIN_FREE_BYTES = 16 * 1024 * 1024


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """200 once the index is loaded and every store is usable; 503 with the reason else."""
    state = request.app.state
    runtime = getattr(state, "runtime", None)
    if runtime is None:
        reason = getattr(state, "load_error", None) or "loading"
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    problems = store_problems(state.settings, _in_use(request))
    if problems != getattr(state, "store_problems", []):  # logged once per change
        state.store_problems = problems
        for problem in problems:
            log.error("store unusable: %s", problem)
    if problems:
        reason = "; ".join(problems)
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    return JSONResponse(
        {
            "status": "ready",
            "build": runtime.index.build.name,
            "counts": runtime.index.manifest.get("counts", {}),
        }
    )


def _in_use(request: Request) -> Storage | None:
    """The state database the services write to (every store lives in it: ops, personal,
    chat and nav alike, so it is in use whichever parts are on)."""
    services = getattr(request.app.state, "services", None)
    return getattr(services, "storage", None)


def store_problems(settings: Settings, storage: Storage | None) -> list[str]:
    """One message if the state database cannot take a write, naming its setting: for the
    SQLite file, whether it is still there, writable and has room; for PostgreSQL
    (`ZWFW_STATE_URL`), whether a write transaction can begin now."""
    problems = []
    for name, path in settings.database_files().items():
        if problem := _unusable(path):
            problems.append(f"{name} {path}: {problem}")
    if settings.state_url is not None and storage is not None:
        try:
            storage.ping()
        except BackendUnavailable as exc:
            problems.append(f"ZWFW_STATE_URL: {exc.message}")
    return problems


def _unusable(path: Path) -> str | None:
    if not path.exists():
        return "the file is gone (deleted while the server runs); edits would be lost"
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return "read-only"
    if shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
        return "the disk is full"
    return None
