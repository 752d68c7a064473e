"""A follow-up without a subject of its own ("那要多少钱", "补办要带什么材料", "那深圳呢").

It is about what the conversation is about: the service under discussion (its variants
narrowed by what was said), else the topic of the last answer, clarification or need,
routed again with the message.
"""

from __future__ import annotations

from zwfw.chat.decide import Decider
from zwfw.chat.elder import elder_reply, elder_text
from zwfw.chat.fields import GuideField
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.sessions import SessionState
from zwfw.chat.types import ChatAction, ChatReply
from zwfw.chat.variants import remember
from zwfw.core.regions import name_of, within
from zwfw.search import SearchService
from zwfw.search.preferences import Preferences


class FollowUps:
    def __init__(self, search: SearchService, guide: GuideAnswers, decider: Decider) -> None:
        self.search, self.guide, self.decider = search, guide, decider

    def reply(
        self, state: SessionState, text: str, fields: list[GuideField], prefs: Preferences,
        elder: bool,
    ) -> ChatReply:  # fmt: skip
        """The reply to `text`, which names no subject: about the service under discussion,
        or the last answer's topic; asked for the service when there is neither."""
        if state.group:
            remember(state, text, prefs)
            state.fields = [f.value for f in fields] or state.fields
            if state.region and (missing := self.guide.region_missing(state, state.region, elder)):
                return missing
            if fields:
                turn = self.guide.answer(state, fields, elder)
            else:
                turn = self.guide.answer_kept(state, elder)
            return self._above(state, turn, prefs, elder)
        if state.topic and not fields and prefs.region:
            return self._topic_in_city(state, text, prefs, elder)
        if state.topic:
            # Routed with the last answer's topic; unsure, the router offers candidates.
            topic = f"{state.topic} {text}"
            return self.decider.decide(state, topic, fields, elder, None, avoid=state.answered)
        state.fields = [f.value for f in fields]
        return elder_reply(
            ChatReply("", "请问您想问哪一项业务？比如“办护照”“社保卡”。", ChatAction.CLARIFY),
            elder,
        )

    def _above(
        self, state: SessionState, turn: ChatReply, prefs: Preferences, elder: bool
    ) -> ChatReply:
        """A city named for a service whose guide is its province's ("深圳" about a 广东省
        item): said, so the same reply does not come back as if the city were not heard
        (the loop guard then handed off)."""
        items = self.guide.load(state.keys)
        if not prefs.region or not items or any(within(i.region_code, prefs.region) for i in items):
            return turn
        note = f"{items[0].region_name}的办事指南适用于{name_of(prefs.region)}。"
        turn.reply = elder_text(note, elder) + ("" if elder else "\n") + turn.reply
        return turn

    def _topic_in_city(
        self, state: SessionState, text: str, prefs: Preferences, elder: bool
    ) -> ChatReply:
        """A city named after an answer ("深圳" after a FAQ about renewing a licence): the
        topic's services, that city's first; said plainly when the city has none of its own.
        The topic is searched alone, since a city name next to it drags in unrelated items
        of that city."""
        topic, region = state.topic or "", prefs.region or ""
        state.region = region
        turn = self.decider.decide(state, topic, [], elder, None, avoid=state.answered)
        items = self.guide.load([f"item:{c.id}" for c in turn.cards if c.type == "item"])
        # A question back (a choice, or navigation's next question) that offers nothing of
        # that city says so first, instead of asking again as if the city were not heard.
        asking = turn.action in (ChatAction.CLARIFY, ChatAction.NAVIGATE) and turn.options
        if asking and not any(within(i.region_code, region) for i in items):
            hotline = self.search.settings.hotline
            note = (
                f"没有找到{name_of(region) or text}专门的办理事项，下面是与“{topic}”最接近的；"
                f"也可以拨打{hotline}咨询当地的办理方式。"
            )
            turn.reply = elder_text(note, elder) + ("\n" if not elder else "") + turn.reply
        return turn
