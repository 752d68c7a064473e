"""Request dependencies: routes get the runtime's services through these, never globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zwfw.core.errors import IndexNotReady
from zwfw.qa import QaService
from zwfw.runtime import Runtime
from zwfw.search import SearchService


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        reason = getattr(request.app.state, "load_error", None) or "the index is still loading"
        raise IndexNotReady(reason)
    return runtime


def get_search(runtime: Annotated[Runtime, Depends(get_runtime)]) -> SearchService:
    return runtime.search


def get_qa(runtime: Annotated[Runtime, Depends(get_runtime)]) -> QaService:
    return runtime.qa


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SearchDep = Annotated[SearchService, Depends(get_search)]
QaDep = Annotated[QaService, Depends(get_qa)]
