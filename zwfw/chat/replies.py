"""The replies of the router's routes: about an item, a choice among candidates, no match.

Each reply carries what its text talks about: the item in `sources` (and as a card), the
candidates as cards with ids and as options, so the widget can always render it.
"""

from __future__ import annotations

from zwfw.chat.canned import HUMAN_OPTION
from zwfw.chat.elder import elder_text, for_elder, short_name
from zwfw.chat.fields import time_text, topic_of
from zwfw.chat.router import Offer
from zwfw.chat.sessions import SessionState
from zwfw.chat.types import Card, ChatAction, ChatReply, Source, item_card, item_source
from zwfw.core.records import Item
from zwfw.core.regions import ancestors, name_of, within
from zwfw.qa import QaResult

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
    text = f"没有找到对应的事项，可拨打{hotline}政务服务便民热线咨询，也可以换个说法再问。"
    if names:
        text += f"\n相近事项（仅供参考）：{names}。"
    text = elder_text(text, elder)
    cards = _cards(nearest[:3])
    return ChatReply("", text, ChatAction.HANDOFF, cards=cards, options=[HUMAN_OPTION])


def _cards(items: list[Item]) -> list[Card]:
    """One card per item id, at most MAX_CARDS, in order."""
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return [item_card(i) for i in list(seen.values())[:MAX_CARDS]]


def faq_reply(
    state: SessionState,
    result: QaResult,
    item: Item | None,
    elder: bool,
    card: Item | None = None,
) -> ChatReply:
    """The FAQ entry QA chose, verbatim; a confident item named in the words is cited after
    it; search's confident top item (`card`) is shown as a card in any case. The entry's
    subject becomes the topic of follow-ups."""
    source = result.sources[0] if result.sources else None
    sources = [Source(source.id, "faq", source.title, region=source.region)] if source else []
    answer = result.answer or ""
    region = source.region if source is not None else ""
    if elder:
        # Read aloud, whose rules these are comes first, in a sentence of its own.
        answer = (f"以下是{region}的解答。" if region else "") + for_elder(answer, [])
    elif source is not None:
        answer += f"\n来源：{region}常见问题“{source.title}”"
    if source is not None:
        state.topic = topic_of(source.title) or source.title
        state.answered = source.id
    state.group, state.keys, state.choices, state.fields = [], [], {}, []
    if item is not None:
        sources.append(item_source(item))
        if not elder:
            answer += f"\n相关办事事项：《{item.name}》"
    shown = item or card
    cards = [item_card(shown)] if shown is not None else []
    return ChatReply("", answer, ChatAction.ANSWER, sources=sources, cards=cards)


def region_missing(
    state: SessionState, items: list[Item], region: str, hotline: str, elder: bool
) -> ChatReply | None:
    """None of `items` (the variants asked about) is in the region named: say so and offer
    the regions there are, instead of asking the same question again. None when one is."""
    if not items or any(
        within(i.region_code, region) or i.region_code in ancestors(region) for i in items
    ):
        return None
    name = short_name(items[0].name)  # the cited item's own name, as on its card
    firsts: dict[str, Item] = {}
    for item in items:
        firsts.setdefault(item.region_name, item)
    text = (
        f"「{name}」的办事指南里没有{name_of(region) or '这个地区'}的办理方式，"
        f"目前有：{'、'.join(list(firsts)[:6])}。请点选一个，或拨打{hotline}咨询当地的办理方式。"
    )
    state.pending, state.region = "region", None
    state.options = {n: i.region_code for n, i in firsts.items()}
    return ChatReply(
        "",
        elder_text(text, elder),
        ChatAction.CLARIFY,
        [item_source(items[0])],
        [item_card(i) for i in items[:5]],
        [*list(state.options)[:5], NONE_OF_THESE],
    )


def hand_off(turn: ChatReply, hotline: str, elder: bool, repeated: bool) -> ChatReply:
    """A hand-off keeping `turn`'s sources and cards: after a question that would have been
    asked twice in a row (`repeated`), or after "都不是" when nothing was offered."""
    if repeated:
        text = (
            "抱歉，我还是没能确定您要办的是哪一项。请直接点选下面的事项，"
            f"或拨打{hotline}政务服务便民热线，由工作人员帮您确认。"
        )
    else:
        text = f"好的。请换个说法描述您要办的事，或拨打{hotline}政务服务便民热线咨询。"
    text = elder_text(text, elder)
    return ChatReply("", text, ChatAction.HANDOFF, turn.sources, turn.cards, [HUMAN_OPTION])
