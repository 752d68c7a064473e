"""The one place the API builds navigation: `create_nav_service`, called at start-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zwfw.nav.bundles import shipped_bundles
from zwfw.nav.service import NavService
from zwfw.nav.store import NavStore
from zwfw.search import SearchService
from zwfw.search.docstore import DocStore


def create_nav_service(
    db_path: Path, search: SearchService, docs: DocStore | None = None
) -> NavService:
    """The service the API keeps on `app.state.nav`; bundles are seeded on the first open.

    Lookups follow `search.index.docs`, which the runtime replaces when it reloads a build;
    pass another `docs` only to pin a fixed catalogue (tests).
    """
    store = NavStore(db_path, seed=shipped_bundles())
    pinned = docs if docs is not None and docs is not search.index.docs else None
    source: Callable[[], DocStore] = (lambda: pinned) if pinned else (lambda: search.index.docs)
    return NavService(store, search, source)
