"""What a chat turn returns: the reply text plus machine-readable sources, cards and options.

Plain dataclasses, so the service stays free of pydantic and FastAPI; the route converts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from zwfw.core.records import App, Item


class Mode(StrEnum):
    """How the reply is written: for a screen, or to be read aloud to an older citizen."""

    STANDARD = "standard"
    ELDER = "elder"


class ChatAction(StrEnum):
    """What the client should do with the turn."""

    ANSWER = "answer"  # the reply answers, with sources
    CLARIFY = "clarify"  # the reply asks a question; `options` are the choices
    NAVIGATE = "navigate"  # a need, not a question: `cards` are the services to start from
    HANDOFF = "handoff"  # a human or another channel takes over (12345, 110, …)
    SMALLTALK = "smalltalk"  # greetings, thanks, chit-chat


@dataclass(frozen=True)
class Source:
    """Where an answer comes from, so the citizen can check it."""

    id: str
    type: str  # "item" or "faq"
    title: str
    url: str | None = None
    region: str = ""  # whose rules: an item's region, a FAQ entry's (北京市)


@dataclass(frozen=True)
class Card:
    """A service or app the client can render as a tappable card."""

    id: str
    type: str  # "item" or "app"
    title: str
    url: str | None = None
    department: str = ""
    region: str = ""
    online: bool = False


@dataclass
class ChatReply:
    session_id: str
    reply: str
    action: ChatAction
    sources: list[Source] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    # Elderly mode: `reply` as it is read aloud (numbers spoken); None in standard mode.
    speech: str | None = None


def item_source(item: Item) -> Source:
    return Source(item.id, "item", item.name, item.url, item.region_name)


def item_card(item: Item) -> Card:
    return Card(
        id=item.id,
        type="item",
        title=item.name,
        url=item.url,
        department=item.department,
        region=item.region_name,
        online=item.online_available,
    )


def app_card(app: App) -> Card:
    return Card(app.id, "app", app.name, app.entry_url, app.department, app.region_name, True)
