"""Guided navigation inside a chat: a need starts a navigation session, and the following
chat messages answer its questions until one item (or a bundle's checklist) is reached.

The chat session keeps the navigation session id; a message that asks something else (a
guide field, a complaint) leaves navigation, so a citizen is never trapped in it.
"""

from __future__ import annotations

from zwfw.chat.types import Card, ChatAction, ChatReply, item_card, item_source
from zwfw.core.errors import NotFound
from zwfw.nav import NavService
from zwfw.nav.service import DECLINED, NO_MATCH, NOT_FOUND
from zwfw.nav.session import NavStep


class NavBridge:
    def __init__(self, nav: NavService) -> None:
        self.nav = nav

    def start(self, need: str, elder: bool) -> tuple[ChatReply, str | None]:
        """The first step for a need; the second value is the session to continue, if any."""
        step = self.nav.step(None, need=need, mode="elder" if elder else "standard")
        return to_reply(step), (step.session_id if step.question else None)

    def answer(self, session: str, text: str, elder: bool) -> tuple[ChatReply | None, str | None]:
        """The next step, or (None, None) when `text` does not answer the question asked."""
        step = self.nav.step(session, answer=text, mode="elder" if elder else "standard")
        if step.question and step.message:  # not understood: let the chat route it afresh
            return None, None
        return to_reply(step), (step.session_id if step.question else None)

    def candidates(self, session: str, elder: bool) -> list[str]:
        """The item keys still in play in a navigation session, heaviest first ([] when it
        expired): the subject of a field question asked instead of an answer."""
        try:
            step = self.nav.step(session, mode="elder" if elder else "standard")
        except NotFound:
            return []
        return [f"item:{c.id}" for c in step.candidates]


def to_reply(step: NavStep) -> ChatReply:
    if step.result is not None:
        items = list(step.result.items)
        cards = [item_card(i) for i in items] + [
            Card(id=a.id, type="app", title=a.name, url=a.entry_url, department=a.department,
                 region=a.region_name)
            for a in step.result.apps
        ]  # fmt: skip
        names = "、".join(i.name for i in items[:3])
        if step.message and step.result.bundle is None:
            # Navigation's own words (没有完全符合的事项…12345) are kept: a shortlist of near
            # items is not presented as what was found, and a miss is a hand-off.
            text = step.message + (f"\n相近事项：{names}。" if names else "")
            action = ChatAction.HANDOFF if _declined(step) else ChatAction.NAVIGATE
            sources = [] if action is ChatAction.HANDOFF else [item_source(i) for i in items]
            return ChatReply("", text, action, sources, cards)
        materials = "、".join(step.result.materials[:8])
        text = f"为您找到：{names}。" + (f"需要准备：{materials}。" if materials else "")
        return ChatReply("", text, ChatAction.NAVIGATE, [item_source(i) for i in items], cards)
    options = [o.label for o in step.options]
    cards = [
        Card(id=c.id, type="item", title=c.name, department=c.department, region=c.region)
        for c in step.candidates[:5]
    ]
    return ChatReply("", step.question or "请再具体说说您要办的事。", ChatAction.NAVIGATE,
                     [], cards, options)  # fmt: skip


def _declined(step: NavStep) -> bool:
    """Navigation found nothing that fits (as opposed to a shortlist of close rivals)."""
    return step.message in (NOT_FOUND, DECLINED, NO_MATCH)
