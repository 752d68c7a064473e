"""Request dependencies: every route gets its services through these aliases, never globals.

They read the typed containers the lifespan publishes: `app.state.services` (`Services`, built
on a loaded runtime) and `app.state.ops` (`Ops`, built at start-up). Tests swap one part with
`app.dependency_overrides[get_chat] = …` instead of building an app of their own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zwfw.api.services import Services
from zwfw.chat import ChatService
from zwfw.chat.faq_admin import FaqAdmin
from zwfw.core.errors import IndexNotReady
from zwfw.nav import NavService
from zwfw.ops import Ops
from zwfw.personal import PersonalService
from zwfw.qa import QaService
from zwfw.runtime import Runtime
from zwfw.search import SearchService
from zwfw.search.synonyms import SynonymStore
from zwfw.storage import Storage


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        reason = getattr(request.app.state, "load_error", None) or "the index is still loading"
        raise IndexNotReady(reason)
    return runtime


def get_services(request: Request) -> Services:
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        reason = getattr(request.app.state, "load_error", None) or "the index is still loading"
        raise IndexNotReady(reason)
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_search(runtime: Annotated[Runtime, Depends(get_runtime)]) -> SearchService:
    return runtime.search


def get_qa(runtime: Annotated[Runtime, Depends(get_runtime)]) -> QaService:
    return runtime.qa


def get_chat(services: ServicesDep) -> ChatService:
    return services.chat


def get_nav(services: ServicesDep) -> NavService:
    return services.nav


def get_faq_admin(services: ServicesDep) -> FaqAdmin:
    return services.faq_admin


def get_synonyms(services: ServicesDep) -> SynonymStore:
    return services.synonyms


def get_storage(services: ServicesDep) -> Storage:
    return services.storage


def get_personal(services: ServicesDep) -> PersonalService:
    if services.personal is None:
        raise IndexNotReady("the personal space is not configured on this server")
    return services.personal


def get_ops(request: Request) -> Ops:
    ops: Ops | None = getattr(request.app.state, "ops", None)
    if ops is None:
        raise IndexNotReady("the operations services are not started")
    return ops


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SearchDep = Annotated[SearchService, Depends(get_search)]
QaDep = Annotated[QaService, Depends(get_qa)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
NavDep = Annotated[NavService, Depends(get_nav)]
FaqAdminDep = Annotated[FaqAdmin, Depends(get_faq_admin)]
SynonymsDep = Annotated[SynonymStore, Depends(get_synonyms)]
StorageDep = Annotated[Storage, Depends(get_storage)]
PersonalDep = Annotated[PersonalService, Depends(get_personal)]
OpsDep = Annotated[Ops, Depends(get_ops)]
