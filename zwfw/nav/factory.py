"""The one place the API builds navigation: `create_nav_service`, called at start-up."""

from __future__ import annotations

from collections.abc import Callable

from zwfw.nav.bundles import shipped_bundles
from zwfw.nav.service import NavService
from zwfw.nav.store import NavStore
from zwfw.search import SearchService
from zwfw.search.docstore import DocStore
from zwfw.storage import Storage
from zwfw.storage.kv import KeyValue


def create_nav_service(
    storage: Storage,
    search: SearchService,
    docs: DocStore | None = None,
    sessions: KeyValue | None = None,
) -> NavService:
    """The navigation service; bundles are seeded on the first open. Sessions live in
    `sessions` (in process when None, Redis to share them between replicas).

    Lookups follow `search.index.docs`, which the runtime replaces when it reloads a build;
    pass another `docs` only to pin a fixed catalogue (tests).
    """
    store = NavStore(storage, seed=shipped_bundles(), sessions=sessions)
    pinned = docs if docs is not None and docs is not search.index.docs else None
    source: Callable[[], DocStore] = (lambda: pinned) if pinned else (lambda: search.index.docs)
    return NavService(store, search, source)
