"""Answers from service guides: narrow the service's variants, then quote a field.

The session holds the service under discussion with all its variants (首次, 补领, each
city's). What the citizen said (now or earlier in the session) narrows them; if the
remaining variants still disagree on the asked field, the assistant asks which one.
"""

from __future__ import annotations

from zwfw.chat import replies
from zwfw.chat.elder import cap_options, for_elder, short_name
from zwfw.chat.fields import FIELD_WORDS, MISSING_HEAD, GuideField, answer_field, field_value
from zwfw.chat.sessions import SessionState
from zwfw.chat.types import ChatAction, ChatReply, item_card, item_source
from zwfw.chat.variants import QUESTIONS, choice_between, narrow
from zwfw.core.records import Item
from zwfw.search import SearchService


class GuideAnswers:
    def __init__(self, search: SearchService) -> None:
        self.search = search

    def load(self, keys: list[str]) -> list[Item]:
        records = self.search.index.docs.get(keys)
        return [r for k in keys if isinstance(r := records.get(k), Item)]

    def answer(self, state: SessionState, fields: list[GuideField], elder: bool) -> ChatReply:
        """Answer `fields` for the service in `state`, or ask which variant is meant."""
        items = narrow(self.load(state.group), state.choices, state.region)
        if not items:  # the items under discussion were withdrawn since the last turn
            state.group, state.keys, state.choices, state.fields = [], [], {}, []
            text = "您刚才咨询的事项已调整或下线，请重新告诉我您要办理的事项。"
            return ChatReply("", text, ChatAction.CLARIFY)
        state.keys = [f"item:{i.id}" for i in items]
        state.fields = [f.value for f in fields]
        differing = [f for f in fields if len({field_value(i, f) for i in items}) > 1]
        choice = choice_between(items) if differing else None
        if choice is not None:
            state.pending, state.options = choice.dimension, dict(choice.options)
            labels = list(choice.options)
            name = short_name(items[0].catalog_name or items[0].name)
            # The lead names what differs, so a second field question ("在哪里办" after
            # "要带什么材料") is asked as a new question, not repeated into the loop guard.
            words = "、".join(dict.fromkeys(FIELD_WORDS[f] for f in differing))
            lead = f"「{name}」分几种情况，{words}不同。"
            question = QUESTIONS[choice.dimension]
            spoken = f"{name}分几种情况，{words}不同。{question}"
            text = for_elder(spoken, []) if elder else lead + question
            return ChatReply(
                "",
                text,
                ChatAction.CLARIFY,
                cards=[item_card(i) for i in items[:5]],
                options=cap_options(labels) if elder else labels,
            )
        state.pending, state.options = None, {}
        return self._quote(items, fields, elder)

    def answer_kept(self, state: SessionState, elder: bool) -> ChatReply:
        """The fields last asked, for the service under discussion; with none asked, what
        the service is (its variants narrowed by what was said) and what about it."""
        if not state.fields:
            return self._about(state, elder)
        return self.answer(state, [GuideField(f) for f in state.fields], elder)

    def region_missing(self, state: SessionState, region: str, elder: bool) -> ChatReply | None:
        """A region named freely that none of the variants covers (see replies)."""
        # The variants the question was about: what was chosen so far, in any region.
        items = narrow(self.load(state.group), state.choices, None)
        hotline = self.search.settings.hotline
        return replies.region_missing(state, items, region, hotline, elder)

    def _about(self, state: SessionState, elder: bool) -> ChatReply:
        items = narrow(self.load(state.group), state.choices, state.region)
        if not items:
            return self.answer(state, [], elder)
        state.keys = [f"item:{i.id}" for i in items]
        return replies.about_item(items[0], items[1:], [], elder)

    def _quote(self, items: list[Item], fields: list[GuideField], elder: bool) -> ChatReply:
        item = items[0]
        name = short_name(item.name) if elder else item.name
        if len({i.region_code for i in items}) == 1 and not elder:
            name = f"{item.region_name}{name}" if item.region_name not in name else name
        parts = [answer_field(item, f, name) for f in fields]
        if elder:
            text = "".join(for_elder(p.headline, list(p.details)) for p in parts)
        else:
            text = "\n".join("\n".join((p.headline, *p.details)) for p in parts)
            if len(items) > 1:
                regions = "、".join(dict.fromkeys(i.region_name for i in items))
                text += f"\n（{regions}的办事指南在这一点上相同。）"
            text += f"\n来源：《{item.name}》办事指南（{item.department}）"
        follow = [q for f, q in _FOLLOW_UPS.items() if f not in fields]
        # A guide that is silent on everything asked answers nothing: the reply names the
        # phone to call, so it is a hand-off, not an answer.
        silent = all(p.headline.startswith(MISSING_HEAD) for p in parts)
        return ChatReply(
            "",
            text,
            ChatAction.HANDOFF if silent else ChatAction.ANSWER,
            sources=[item_source(i) for i in items[:3]],
            cards=[item_card(item)],
            options=follow[:3],
        )


# Quick replies after an answer: the other guide questions people ask most.
_FOLLOW_UPS = {
    GuideField.MATERIALS: "需要带什么材料",
    GuideField.FEE: "要多少钱",
    GuideField.LOCATION: "在哪里办",
    GuideField.TIME_LIMIT: "多久能办好",
    GuideField.ONLINE: "网上能办吗",
}
