"""The customer-service assistant: one turn of a conversation, routed to the right answer.

Order matters: emergencies and complaints first (never searched), then small talk, then a
reply to a pending clarification or navigation question (`chat.pending`), then follow-ups
without a subject of their own (`chat.followups`), and last the one router (`chat.router`,
applied by `chat.decide`) that chooses between a FAQ answer, an item's guide, a choice among
candidates, guided navigation and a hand-off. The loop guard turns a question asked twice
in a row into a hand-off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from zwfw.chat import canned, replies
from zwfw.chat.decide import Decider
from zwfw.chat.elder import cap_options, elder_reply, elder_text, finish, speech
from zwfw.chat.fields import detect_fields, names_something, subject_of
from zwfw.chat.followups import FollowUps
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.intents import Intent, detect_intent, strip_greeting
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.pending import PendingAnswers, says_none_of_these
from zwfw.chat.router import TurnRouter
from zwfw.chat.sessions import SessionState, SessionStore
from zwfw.chat.types import ChatAction, ChatReply, Mode
from zwfw.chat.variants import strip_choices
from zwfw.core.errors import InvalidQuery
from zwfw.core.settings import ChatSettings
from zwfw.models import normalize
from zwfw.qa import Action, QaService
from zwfw.search import SearchService
from zwfw.search.preferences import detect

EXPIRED = "之前的对话已过期，已为您开始新的对话。"


class ChatService:
    def __init__(
        self,
        search: SearchService,
        qa: QaService,
        sessions: SessionStore,
        nav_bridge: NavBridge | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        settings: ChatSettings | None = None,
    ) -> None:
        self.search, self.qa, self.sessions = search, qa, sessions
        self.guide = GuideAnswers(search)
        settings = settings or ChatSettings()
        self.router = TurnRouter(search, qa, settings.item_min_cosine)
        self.nav_bridge = nav_bridge
        self.today = today
        self.decider = Decider(search, self.guide, self.router, nav_bridge, today)
        self.pending = PendingAnswers(
            search, self.guide, self.router, self.decider, nav_bridge, today
        )
        self.follow_ups = FollowUps(search, self.guide, self.decider)

    def reply(
        self, session_id: str | None, message: str, mode: Mode | str = Mode.STANDARD
    ) -> ChatReply:
        """Answer one message. A missing session id starts a session; an unknown or expired
        one starts a session under a new, server-chosen id and the reply says so (a client
        never chooses an id: it could otherwise read or steer another citizen's session)."""
        limit = self.search.settings.max_query_chars
        if not message.strip():
            raise InvalidQuery("the message is empty")
        if len(message) > limit:
            raise InvalidQuery(f"the message is longer than {limit} characters")
        mode = Mode(mode)
        elder = mode is Mode.ELDER
        found = self.sessions.find(session_id) if session_id else None
        sid = session_id if session_id and found is not None else self.sessions.new_id()
        state = found or SessionState()
        text = self._understand(message, mode)
        # /v1/qa gets the message as typed: ask QA the same, unless a greeting was removed
        # or (elderly mode) the transcript corrected.
        qa_text = message.strip() if text == normalize(message) and not elder else None
        turn = self._guard(state, self._route(state, text, elder, qa_text), elder)
        if elder:
            turn.reply, turn.options = finish(turn.reply), cap_options(turn.options)
        if session_id and found is None:
            turn.reply = elder_text(EXPIRED, elder) + turn.reply
        if elder:
            turn.speech = speech(turn.reply)
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

    def _guard(self, state: SessionState, turn: ChatReply, elder: bool) -> ChatReply:
        """The loop guard: the same question twice in a row becomes a hand-off that keeps the
        cards, so nobody is asked the same thing a third time."""
        asking = turn.action in (ChatAction.CLARIFY, ChatAction.NAVIGATE) and bool(turn.options)
        question = "|".join([turn.reply, *turn.options])  # the same words and the same choices
        if asking and question == state.last_ask:
            state.pending, state.options = None, {}
            return replies.hand_off(turn, self.search.settings.hotline, elder, repeated=True)
        state.last_ask = question if asking else None
        return turn

    def _route(self, state: SessionState, text: str, elder: bool, qa_text: str | None) -> ChatReply:
        detected = detect_intent(text)
        if detected is not None and detected.intent is Intent.COMPLAINT:
            # "黑车怎么举报" has a FAQ answer: never worse than /v1/qa.
            result = self.qa.ask(qa_text or text, self.today())
            if result.action is Action.ANSWER:
                item = self.guide.load([state.item_key]) if state.item_key else []
                turn = replies.faq_reply(state, result, None, elder)
                if item and item[0].complaint_phone:
                    turn.reply += f"\n您咨询的事项的投诉电话是{item[0].complaint_phone}。"
                return turn
        if detected is not None:
            item = self.guide.load([state.item_key]) if state.item_key else []
            phone = item[0].complaint_phone if item else None
            return elder_reply(canned.canned(detected, self.search.settings.hotline, phone), elder)
        if (bare := strip_greeting(text)) != text:
            text, qa_text = bare, None
        fields = detect_fields(text)
        bare_field = bool(fields) and not names_something(
            strip_choices(subject_of(text), detect(text))
        )
        if (answered := self.pending.answer(state, text, fields, bare_field, elder)) is not None:
            return answered
        state.pending, state.options, state.rest = None, {}, []
        if says_none_of_these(text):  # nothing was offered
            empty = ChatReply("", "", ChatAction.HANDOFF)
            return replies.hand_off(empty, self.search.settings.hotline, elder, repeated=False)
        prefs = detect(text)
        subject = subject_of(text) if fields else text
        # "广州" after an answer asks the same in that city.
        follows = bool(fields or prefs.region) or bool(state.group and state.fields)
        if follows and not names_something(strip_choices(subject, prefs)):
            return self.follow_ups.reply(state, text, fields, prefs, elder)
        return self.decider.decide(state, text, fields, elder, qa_text)
