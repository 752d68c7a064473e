"""Chat fixtures: an assistant over the shared read-only demo index, and a writable copy."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from zwfw.chat import ChatReply, ChatService, create_chat_service
from zwfw.runtime import Runtime


@pytest.fixture
def chat(demo_runtime: Runtime) -> ChatService:
    """The assistant over the demo index, with its sessions in process."""
    return create_chat_service(None, demo_runtime.search, demo_runtime.qa)


@dataclass
class Conversation:
    """One citizen's session: each `say` continues it."""

    chat: ChatService
    mode: str = "standard"
    session_id: str | None = None
    turns: list[ChatReply] = field(default_factory=list)

    def say(self, message: str) -> ChatReply:
        reply = self.chat.reply(self.session_id, message, self.mode)
        self.session_id = reply.session_id
        self.turns.append(reply)
        return reply


@pytest.fixture
def talk(chat: ChatService) -> Conversation:
    return Conversation(chat)


@pytest.fixture
def elder(chat: ChatService) -> Conversation:
    return Conversation(chat, mode="elder")
