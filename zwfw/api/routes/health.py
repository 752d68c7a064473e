"""Liveness and readiness probes.

/readyz is what a load balancer routes by, so it checks what requests need: the index, and
every database the running services write to. A store that was deleted under the server,
became read-only, or whose disk is full makes it 503 with the store named, instead of
edits that return 201 and are lost at the next restart.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from zwfw.core.settings import Settings

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


def _in_use(request: Request) -> set[str]:
    """The settings of the databases this app has open (the ops and personal parts are
    optional)."""
    state = request.app.state
    names = set(state.settings.database_files())
    if getattr(state, "ops", None) is None:
        names.discard("ZWFW_OPS__DB")
    if getattr(state, "personal", None) is None:
        names.discard("ZWFW_PERSONAL__DB")
    return names


def store_problems(settings: Settings, in_use: set[str]) -> list[str]:
    """One message per database in use that cannot take a write, naming its setting and
    file."""
    problems = []
    for name, path in settings.database_files().items():
        if name in in_use and (problem := _unusable(path)):
            problems.append(f"{name} {path}: {problem}")
    return problems


def _unusable(path: Path) -> str | None:
    if not path.exists():
        return "the file is gone (deleted while the server runs); edits would be lost"
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return "read-only"
    if shutil.disk_usage(path.parent).free < MIN_FREE_BYTES:
        return "the disk is full"
    return None
