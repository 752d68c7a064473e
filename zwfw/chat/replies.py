"""The replies of the router's routes: about an item, a choice among candidates, no match.

Each reply carries what its text talks about: the item in `sources` (and as a card), the
candidates as cards with ids and as options, so the widget can always render it.
"""

from __future__ import annotations

from zwfw.chat.elder import for_elder, short_name
from zwfw.chat.fields import time_text
from zwfw.chat.router import Offer
from zwfw.chat.types import Card, ChatAction, ChatReply, item_card, item_source
from zwfw.core.records import Item

FIELD_OPTIONS = ["需要带什么材料", "要多少钱", "在哪里办", "网上能办吗"]
NONE_OF_THESE = "都不是"
MAX_CARDS = 5
MAX_CHOICES = 4


def about_item(item: Item, siblings: list[Item], others: list[Item], elder: bool) -> ChatReply:
    """The chat is about `item`: what it is, and which part of its guide the citizen wants.

    `siblings` are the same service elsewhere (cited too); `others` are the next candidates,
    shown as cards so a wrong guess is one tap from being corrected.
    """
    facts = []
    if item.online_available:
        facts.append("可以网上办理")
    if limit := item.promised_time_limit or item.legal_time_limit:
        limit = time_text(limit)
        facts.append(f"承诺{limit}内办结" if any(c.isdigit() for c in limit) else f"时限：{limit}")
    if elder:
        text = for_elder(f"您要办的是{short_name(item.name)}。", [f"{f}。" for f in facts])
        text += "您想了解哪方面？"
    else:
        where = f"（{item.department}，{item.region_name}）"
        tail = "，".join(facts)
        text = f"您要办的应该是「{item.name}」{where}。" + (f"{tail}。" if tail else "")
        text += "\n您想了解哪方面？也可以直接问，比如“要带什么材料”。"
    cited = [item, *[s for s in siblings if s.id != item.id]][:3]
    return ChatReply(
        "",
        text,
        ChatAction.CLARIFY,
        sources=[item_source(i) for i in cited],
        cards=_cards([*cited, *others]),
        options=list(FIELD_OPTIONS),
    )


def choose(
    offers: list[Offer], ranked: list[Item], elder: bool
) -> tuple[ChatReply, dict[str, str]]:
    """A clarification among candidates; also returns label → key for the answer.

    `ranked` are search's items in its own order: after the items named in the options,
    the cards show search's first results, so the choice is never worse than a search."""
    shown = offers[: MAX_CHOICES - 2 if elder else MAX_CHOICES]  # elder: 3 options in all
    picks = {(short_name(o.label) if elder else o.label): o.key for o in shown}
    head = "您想办理或咨询的是下面哪一项？" if not elder else "您问的是下面哪一项？"
    if not elder:
        head += "都不是的话请点“都不是”，或换个说法。"
    cards = _cards([o.item for o in shown if o.item is not None] + ranked)
    reply = ChatReply("", head, ChatAction.CLARIFY, cards=cards, options=[*picks, NONE_OF_THESE])
    return reply, picks


def no_match(nearest: list[Item], hotline: str, elder: bool) -> ChatReply:
    """Nothing in the catalogue or the FAQ matches: say so, show the nearest, name the hotline."""
    names = "、".join(f"「{short_name(i.name)}」" for i in nearest[:3])
    text = "没有找到与您的问题对应的办事事项或常见问题。"
    if names:
        text += f"比较接近的有{names}，供您参考。"
    text += f"您可以换个说法，或拨打{hotline}政务服务便民热线咨询。"
    if elder:
        text = for_elder(text, [])
    cards = _cards(nearest[:3])
    return ChatReply("", text, ChatAction.HANDOFF, cards=cards, options=["转人工服务"])


def _cards(items: list[Item]) -> list[Card]:
    """One card per item id, at most MAX_CARDS, in order."""
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return [item_card(i) for i in list(seen.values())[:MAX_CARDS]]
