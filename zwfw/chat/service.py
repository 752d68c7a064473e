"""The customer-service assistant: one turn of a conversation, routed to the right answer.

Order matters: emergencies and complaints first (never searched), then small talk, then a
reply to a pending clarification, then guide-field questions (answered from the item's
structured guide), needs (navigation), FAQ answers, and last a hand-off. A wrong confident
answer costs more than a question back, so every retrieval step can decline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from zwfw.chat import canned, navigation
from zwfw.chat.elder import cap_options, finish, for_elder
from zwfw.chat.fields import GuideField, detect_fields, names_something, subject_of
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.intents import detect_intent, is_need, strip_greeting
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.sessions import SessionState, SessionStore
from zwfw.chat.types import ChatAction, ChatReply, Mode, Source
from zwfw.core.errors import InvalidQuery
from zwfw.core.records import Faq, Item
from zwfw.models import normalize
from zwfw.qa import Action, QaResult, QaService
from zwfw.search import SearchService
from zwfw.search.preferences import Preferences, detect

_PERSON = re.compile("个人|自己|本人|我自己")
_ORDINAL = {"1": 0, "一": 0, "2": 1, "二": 1, "两": 1, "3": 2, "三": 2, "4": 3, "四": 3}
_ORDINAL_RE = re.compile(r"^(?:第)?([1-4一二两三四])(?:个|项|种)?$")
# A short message without a question word only names a service ("社保卡"): answering it
# from the nearest FAQ ("新社保卡怎么激活") would answer a question nobody asked.
_QUESTION_WORD = re.compile("怎么|怎样|如何|什么|啥|吗|么|哪|谁|多少|几|为什么|能不能|是否|[?？]")
_NAME_ONLY_CHARS = 8


class ChatService:
    def __init__(
        self,
        search: SearchService,
        qa: QaService,
        sessions: SessionStore,
        nav_bridge: NavBridge | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.search, self.qa, self.sessions = search, qa, sessions
        self.guide = GuideAnswers(search)
        # With a navigation service, a need starts a guided dialogue; without one the
        # assistant offers the best-matching services as cards.
        self.nav_bridge = nav_bridge
        self.today = today

    def reply(
        self, session_id: str | None, message: str, mode: Mode | str = Mode.STANDARD
    ) -> ChatReply:
        """Answer one message; a missing, unknown or expired session id starts a session."""
        limit = self.search.settings.max_query_chars
        if not message.strip():
            raise InvalidQuery("the message is empty")
        if len(message) > limit:
            raise InvalidQuery(f"the message is longer than {limit} characters")
        mode = Mode(mode)
        sid = session_id or self.sessions.new_id()
        state = self.sessions.load(sid)
        turn = self._route(state, self._understand(message, mode), mode is Mode.ELDER)
        if mode is Mode.ELDER:
            turn.reply, turn.options = finish(turn.reply), cap_options(turn.options)
        state.turns += 1
        self.sessions.save(sid, state)
        return replace(turn, session_id=sid)

    def _understand(self, message: str, mode: Mode) -> str:
        """Normalised text; in elderly mode a speech transcript, so homophones are fixed."""
        # NFKC can lengthen text (㍿ → 株式会社): keep the normalised message within the limit
        # the raw one was checked against, instead of failing later with a confusing error.
        text = normalize(message)[: self.search.settings.max_query_chars]
        if mode is Mode.ELDER:
            q = self.search.analyze(text)
            text = q.corrected_query or q.did_you_mean or text
        return text

    def _route(self, state: SessionState, text: str, elder: bool) -> ChatReply:
        detected = detect_intent(text)
        if detected is not None:
            item = self.guide.load([state.item_key]) if state.item_key else []
            phone = item[0].complaint_phone if item else None
            return _speak(canned.canned(detected, self.search.settings.hotline, phone), elder)
        text = strip_greeting(text)
        if state.nav_session and self.nav_bridge is not None:
            step, state.nav_session = self.nav_bridge.answer(state.nav_session, text, elder)
            if step is not None:
                return step
        if state.pending and (picked := self._picked(state, text)) is not None:
            return picked if isinstance(picked, ChatReply) else self._guide(state, elder)
        state.pending, state.options = None, {}
        fields = detect_fields(text)
        if fields:
            return self._field_question(state, text, fields, elder)
        prefs = detect(text)
        if state.group and state.fields and not names_something(_bare(text, prefs)):
            self._remember(state, text, prefs)  # "那深圳呢": the last question, elsewhere
            return self._guide(state, elder)
        if is_need(text):
            return self._need(state, text, elder)
        return self._question(state, text, elder)

    def _field_question(
        self, state: SessionState, text: str, fields: list[GuideField], elder: bool
    ) -> ChatReply:
        subject, prefs = subject_of(text), detect(text)
        if names_something(_bare(subject, prefs)):
            group = self.guide.find_group(subject)
            if not group:
                return self._question(state, text, elder)
            keys = [f"item:{i.id}" for i in group]
            if set(keys) != set(state.group):
                state.group, state.choices = keys, {}
        elif not state.group:
            state.fields = [f.value for f in fields]
            return _speak(
                ChatReply("", "请问您想问哪一项业务？比如“办护照”“社保卡”。", ChatAction.CLARIFY),
                elder,
            )
        self._remember(state, text, prefs)
        return self.guide.answer(state, fields, elder)

    def _guide(self, state: SessionState, elder: bool) -> ChatReply:
        return self.guide.answer(state, [GuideField(f) for f in state.fields], elder)

    def _remember(self, state: SessionState, text: str, prefs: Preferences) -> None:
        """What this message says about region, variant and audience, kept for the session."""
        if prefs.region:
            state.region = prefs.region
        if prefs.variant:
            state.choices["variant"] = prefs.variant
        if prefs.audience == "法人":
            state.choices["audience"] = "enterprise"
        elif _PERSON.search(text):
            state.choices["audience"] = "person"

    def _picked(self, state: SessionState, text: str) -> ChatReply | bool | None:
        """Apply a reply to a clarification: a quick-reply label, its number, or words that
        name the choice ("广州", "补办"). None when the message is about something else."""
        bare = re.sub(r"[\W_]+", "", text)
        labels = list(state.options)
        value = state.options.get(bare) or next(
            (state.options[label] for label in labels if bare and (bare in label or label in bare)),
            None,
        )
        if value is None and (m := _ORDINAL_RE.match(bare)) and _ORDINAL[m[1]] < len(labels):
            value = state.options[labels[_ORDINAL[m[1]]]]
        if state.pending == "faq":
            return self._faq_by_id(value) if value else None
        if value is None:
            prefs = detect(text)
            wanted = {"region": prefs.region, "variant": prefs.variant}.get(state.pending or "")
            if not wanted:
                return None
            value = wanted
        if state.pending == "region":
            state.region = value
        else:
            state.choices[state.pending or "name"] = value
        return True

    def _need(self, state: SessionState, text: str, elder: bool) -> ChatReply:
        if self.nav_bridge is not None:
            step, state.nav_session = self.nav_bridge.start(text, elder)
            return step
        items = navigation.suggest_services(self.search, text, state.region)
        if not items:
            return self._question(state, text, elder)
        apps = navigation.suggest_apps(self.search, text, items)
        return navigation.navigation_reply(items, apps, elder)

    def _question(self, state: SessionState, text: str, elder: bool) -> ChatReply:
        if _names_only(text) and (group := self.guide.find_group(text)):
            return self._about(state, group, elder)
        result = self.qa.ask(text, self.today())
        if result.action is Action.ANSWER:
            return self._faq_reply(result, elder)
        group = self.guide.find_group(text)
        if group and result.action is Action.HANDOFF:
            return self._about(state, group, elder)
        if result.action is Action.CLARIFY:
            state.pending = "faq"
            state.options = {s.question: s.id for s in result.suggestions}
            head = "您想问的是下面哪个问题？"
            return ChatReply("", head, ChatAction.CLARIFY, options=list(state.options))
        return ChatReply("", result.answer or "", ChatAction.HANDOFF, options=["转人工服务"])

    def _about(self, state: SessionState, group: list[Item], elder: bool) -> ChatReply:
        """A message that only names a service: remember it and ask what about it."""
        state.group, state.choices, state.fields = [f"item:{i.id}" for i in group], {}, []
        name = group[0].catalog_name or group[0].name
        return _speak(
            ChatReply(
                "",
                f"关于「{name}」，您想了解哪方面？",
                ChatAction.CLARIFY,
                options=["需要带什么材料", "要多少钱", "在哪里办", "网上能办吗"],
            ),
            elder,
        )

    def _faq_by_id(self, faq_id: str) -> ChatReply | None:
        records = self.search.index.docs.get([f"faq:{faq_id}"])
        faq = records.get(f"faq:{faq_id}")
        if not isinstance(faq, Faq) or not faq.is_live(self.today()):
            return None
        result = QaResult(Action.ANSWER, faq.answer, [], [])
        return self._faq_reply(result, False, faq)

    def _faq_reply(self, result: QaResult, elder: bool, faq: Faq | None = None) -> ChatReply:
        source = result.sources[0] if result.sources else None
        src = Source(source.id, "faq", source.title) if source else None
        if faq is not None:
            src = Source(faq.id, "faq", faq.question)
        answer = result.answer or ""
        if elder:
            answer = for_elder(answer, [])
        elif src is not None:
            answer += f"\n来源：常见问题“{src.title}”"
        return ChatReply("", answer, ChatAction.ANSWER, sources=[src] if src else [])


def _bare(text: str, prefs: Preferences) -> str:
    """The text without the words that only name a region or a variant."""
    if prefs.region_words:
        text = text.replace(prefs.region_words, "")
    return re.sub(
        "首次|第一次|补办|补领|补发|丢了|丢失|换证|换领|到期|个人|单位|公司|企业", "", text
    )


def _names_only(text: str) -> bool:
    bare = re.sub(r"[\W_]+", "", text)
    return len(bare) <= _NAME_ONLY_CHARS and not _QUESTION_WORD.search(text)


def _speak(turn: ChatReply, elder: bool) -> ChatReply:
    if elder:
        turn.reply = for_elder(turn.reply, [])
    return turn
