"""The FAQ editor: versions with author and time, live edits, rollback, re-application."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from zwfw.chat import ChatAction, create_chat_service, create_faq_admin
from zwfw.core.records import Faq
from zwfw.runtime import Runtime
from zwfw.storage import Storage

ENTRY = Faq(
    id="faq-elder-meal",
    question="长者饭堂的助餐补贴怎么申请？",
    answer="年满60周岁的本市户籍老人持身份证到社区长者饭堂登记即可。",
)


def test_an_edit_is_versioned_and_answered_by_chat(
    writable_runtime: Runtime, storage: Storage
) -> None:
    rt = writable_runtime
    admin = create_faq_admin(storage, rt.index.docs, rt.upsert, rt.delete)
    chat = create_chat_service(None, rt.search, rt.qa)
    created = admin.create(ENTRY, author="admin-1")
    updated = admin.update(
        ENTRY.id, Faq(id="ignored", question=ENTRY.question, answer="新答案。"), "admin-2"
    )
    assert (created.version, updated.version, updated.updated_by) == (1, 2, "admin-2")
    assert updated.faq.id == ENTRY.id and updated.updated_at is not None
    reply = chat.reply(None, "长者饭堂助餐补贴怎么申请", "standard")
    assert reply.action is ChatAction.ANSWER and reply.reply.startswith("新答案。")


def test_a_failed_index_write_leaves_no_trace(writable_runtime: Runtime, storage: Storage) -> None:
    def broken(_: Sequence[Faq]) -> None:
        raise OSError("disk full")

    admin = create_faq_admin(storage, writable_runtime.index.docs, broken, writable_runtime.delete)
    with pytest.raises(OSError, match="disk full"):
        admin.create(ENTRY, author="admin-1")
    assert admin.history_all() == []


def test_edits_are_reapplied_after_a_rebuild(writable_runtime: Runtime, storage: Storage) -> None:
    pushed: list[str] = []
    removed: list[str] = []
    rt = writable_runtime
    admin = create_faq_admin(storage, rt.index.docs, rt.upsert, rt.delete)
    admin.create(ENTRY, author="a")
    admin.delete("demo-faq-002", author="a")
    again = create_faq_admin(
        storage,
        rt.index.docs,
        lambda faqs: pushed.extend(f.id for f in faqs),
        lambda keys: removed.extend(keys),
    )
    assert again.reapply() == 2
    assert pushed == [ENTRY.id] and removed == ["faq:demo-faq-002"]
