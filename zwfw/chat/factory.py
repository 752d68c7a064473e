"""Factories the API (and scripts) call to build the chat assistant and the FAQ editor."""

from __future__ import annotations

from collections.abc import Callable

from zwfw.chat.faq_admin import DeleteFn, FaqAdmin, UpsertFn
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.service import ChatService
from zwfw.chat.sessions import SessionStore
from zwfw.core.settings import ChatSettings
from zwfw.nav import NavService
from zwfw.qa import QaService
from zwfw.search import SearchService
from zwfw.search.docstore import DocStore
from zwfw.storage import Storage
from zwfw.storage.kv import KeyValue, MemoryKeyValue


def create_chat_service(
    sessions: KeyValue | None,
    search: SearchService,
    qa: QaService,
    session_ttl_seconds: int = 1800,
    nav: NavService | None = None,
    settings: ChatSettings | None = None,
) -> ChatService:
    """The assistant, with its sessions in `sessions` (in process when None, Redis to share
    them between replicas); with `nav`, a need starts guided navigation inside the chat."""
    bridge = NavBridge(nav) if nav is not None else None
    store = SessionStore(
        sessions if sessions is not None else MemoryKeyValue(), session_ttl_seconds
    )
    return ChatService(search, qa, store, bridge, settings=settings)


def create_faq_admin(
    storage: Storage,
    docs: DocStore | Callable[[], DocStore],
    upsert: UpsertFn,
    delete: DeleteFn,
) -> FaqAdmin:
    """The FAQ editor; pass `lambda: runtime.index.docs` so a reloaded index is followed,
    and `runtime.upsert` / `runtime.delete` so each edit is live at once."""
    return FaqAdmin(storage, docs, upsert, delete)
