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

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from zwfw.api.deps import LoadErrorDep, MaybeServicesDep, ReportedProblemsDep, SettingsDep
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
def readyz(
    services: MaybeServicesDep,
    settings: SettingsDep,
    load_error: LoadErrorDep,
    reported: ReportedProblemsDep,
) -> JSONResponse:
    """200 once the index is loaded and every store is usable; 503 with the reason else."""
    if services is None:
        reason = load_error or "loading"
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    # Every store lives in the one state database (ops, personal, chat and nav alike).
    problems = store_problems(settings, services.storage)
    if problems != reported:  # logged once per change, not on every probe
        reported[:] = problems
        for problem in problems:
            log.error("store unusable: %s", problem)
    if problems:
        reason = "; ".join(problems)
        return JSONResponse({"status": "not_ready", "reason": reason}, status_code=503)
    index = services.runtime.index
    return JSONResponse(
        {"status": "ready", "build": index.build.name, "counts": index.manifest.get("counts", {})}
    )


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
