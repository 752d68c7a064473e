"""The customer-service assistant over HTTP: `POST /v1/chat` (see docs/chat.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api import observability
from zwfw.api.deps import ChatDep, ExamplesDep, MaybeOpsDep
from zwfw.chat.canned import STARTERS
from zwfw.core.pii import mask, safe_identifier

router = APIRouter(prefix="/v1", tags=["chat"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="omit on the first turn; send back the one returned to keep the context",
    )
    message: str = Field(min_length=1, max_length=200, examples=["办护照要带什么"])
    mode: Literal["standard", "elder"] = Field(
        "standard", description="elder: short replies written to be read aloud"
    )


class ChatSourcePublic(BaseModel):
    id: str
    type: Literal["item", "faq"]
    title: str
    url: str | None
    region: str = Field("", description="whose rules: the item's or FAQ entry's region")


class ChatCardPublic(BaseModel):
    id: str
    type: Literal["item", "app"]
    title: str
    url: str | None
    department: str
    region: str
    online: bool


class ChatResponse(BaseModel):
    session_id: str
    reply: str
    action: Literal["answer", "clarify", "navigate", "handoff", "smalltalk"]
    sources: list[ChatSourcePublic] = Field(description="where the answer comes from")
    cards: list[ChatCardPublic] = Field(description="services and apps to render")
    options: list[str] = Field(description="quick replies; send one back as the next message")
    speech: str | None = Field(
        None, description="elderly mode: the reply as read aloud (numbers spoken); else null"
    )


@router.post("/chat", response_model=ChatResponse)
def chat(
    request: Request, body: ChatRequest, service: ChatDep, ops: MaybeOpsDep, examples: ExamplesDep
) -> ChatResponse:
    # Masked before the assistant sees it: the chat and navigation sessions keep the message.
    message = mask(body.message)
    turn = service.reply(safe_identifier(body.session_id), message, body.mode)
    if turn.options == STARTERS and examples:
        # The greeting's fixed examples, replaced by ones the served catalogue answers.
        turn.options = examples
    shown = [s.id for s in turn.sources] + [c.id for c in turn.cards]
    observability.log_chat_turn(ops, request, message, turn.action, shown, turn.session_id)
    return ChatResponse.model_validate(asdict(turn))
