"""Request dependencies: every route gets its services through these aliases, never globals.

This is the one module a route reaches the app's state through. The lifespan publishes typed
containers on `app.state`: `services` (`Services`, built on a loaded runtime, None while it
loads), `ops` (`Ops`, built at start-up; None when that part is disabled), `settings`, and
`load_error`. A required part that is missing raises the domain error its route answers with
(`IndexNotReady` while loading, `FeatureDisabled` for a part turned off); an optional one
(`Maybe…`) gives None. Tests swap one part with `app.dependency_overrides[get_chat] = …`
instead of building an app of their own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zwfw.api.examples import ExamplesCache
from zwfw.api.services import BuildCache, FilterOptions, Services
from zwfw.chat import ChatService
from zwfw.chat.faq_admin import FaqAdmin
from zwfw.core.errors import FeatureDisabled, IndexNotReady
from zwfw.core.settings import Settings
from zwfw.nav import NavService
from zwfw.ops import Ops
from zwfw.personal import PersonalService
from zwfw.qa import QaService
from zwfw.runtime import Runtime
from zwfw.search import SearchService
from zwfw.search.synonyms import SynonymStore
from zwfw.storage import Storage


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (not the process's `get_settings()`: a test
    or an embedding may pass its own)."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_load_error(request: Request) -> str | None:
    """Why the index is not loaded, once loading failed; None while it loads or once it is."""
    error: str | None = getattr(request.app.state, "load_error", None)
    return error


LoadErrorDep = Annotated[str | None, Depends(get_load_error)]


def get_maybe_services(request: Request) -> Services | None:
    """The services, or None while the index loads (for routes that answer either way)."""
    services: Services | None = getattr(request.app.state, "services", None)
    return services


MaybeServicesDep = Annotated[Services | None, Depends(get_maybe_services)]


def get_services(services: MaybeServicesDep, load_error: LoadErrorDep) -> Services:
    if services is None:
        raise IndexNotReady(load_error or "the index is still loading")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_maybe_runtime(services: MaybeServicesDep) -> Runtime | None:
    return None if services is None else services.runtime


MaybeRuntimeDep = Annotated[Runtime | None, Depends(get_maybe_runtime)]


def get_runtime(services: ServicesDep) -> Runtime:
    return services.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_search(runtime: RuntimeDep) -> SearchService:
    return runtime.search


def get_qa(runtime: RuntimeDep) -> QaService:
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


def get_personal(settings: SettingsDep, services: MaybeServicesDep) -> PersonalService:
    """The personal space; `FeatureDisabled` when it is off (not configured, or
    misconfigured: that disables it alone), `IndexNotReady` while the index loads."""
    reason = settings.personal.disabled_reason()
    if reason is not None:
        raise FeatureDisabled(f"the personal space is disabled: {reason}")
    if services is None:
        raise IndexNotReady("the personal space is not loaded yet")
    if services.personal is None:
        raise FeatureDisabled("the personal space is disabled: it failed to start (see the log)")
    return services.personal


def get_maybe_ops(request: Request) -> Ops | None:
    """The operations container, or None when it is disabled (an unusable state database or
    role setting turns off operations, never search): query logging is then skipped."""
    ops: Ops | None = getattr(request.app.state, "ops", None)
    return ops


MaybeOpsDep = Annotated[Ops | None, Depends(get_maybe_ops)]


def get_ops(ops: MaybeOpsDep) -> Ops:
    if ops is None:
        raise FeatureDisabled("operations services are not started")
    return ops


def get_page_filters(request: Request) -> BuildCache[FilterOptions]:
    """The citizen page's filter options, kept per index build (computed on first use)."""
    cache: BuildCache[FilterOptions] = request.app.state.page_filters
    return cache


def get_examples(request: Request, services: MaybeServicesDep) -> list[str]:
    """The greeting's example chips for the serving catalogue (see api.examples); none while
    the index loads, or in an app whose routes are given their services directly (tests)."""
    cache: ExamplesCache | None = getattr(request.app.state, "greeting_examples", None)
    return [] if services is None or cache is None else cache.get(services.runtime)


def get_reported_problems(request: Request) -> list[str]:
    """The store problems /readyz last logged, so each change is logged once, not per probe."""
    reported: list[str] = request.app.state.reported_problems
    return reported


SearchDep = Annotated[SearchService, Depends(get_search)]
QaDep = Annotated[QaService, Depends(get_qa)]
ChatDep = Annotated[ChatService, Depends(get_chat)]
NavDep = Annotated[NavService, Depends(get_nav)]
FaqAdminDep = Annotated[FaqAdmin, Depends(get_faq_admin)]
SynonymsDep = Annotated[SynonymStore, Depends(get_synonyms)]
StorageDep = Annotated[Storage, Depends(get_storage)]
PersonalDep = Annotated[PersonalService, Depends(get_personal)]
OpsDep = Annotated[Ops, Depends(get_ops)]
PageFiltersDep = Annotated[BuildCache[FilterOptions], Depends(get_page_filters)]
ExamplesDep = Annotated[list[str], Depends(get_examples)]
ReportedProblemsDep = Annotated[list[str], Depends(get_reported_problems)]
