"""The customer-service assistant: one turn of a conversation, routed to the right answer.

Order matters: emergencies and complaints first (never searched), then small talk, then a
reply to a pending clarification or navigation question, then follow-ups without a subject
of their own, and last the one router (`chat.router`) that chooses between a FAQ answer, an
item's guide, a choice among candidates, guided navigation and a hand-off. The loop guard
turns a question asked twice in a row into a hand-off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace

from zwfw.chat import canned, navigation, replies
from zwfw.chat.confidence import base_name
from zwfw.chat.elder import cap_options, finish, for_elder, speech
from zwfw.chat.fields import GuideField, detect_fields, names_something, subject_of
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.intents import Intent, detect_intent, is_need, strip_greeting
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.router import Decision, Offer, Route, TurnRouter
from zwfw.chat.sessions import SessionState, SessionStore
from zwfw.chat.types import ChatAction, ChatReply, Mode, item_source
from zwfw.chat.variants import group_key, narrow
from zwfw.core.errors import InvalidQuery
from zwfw.core.records import DocKind, Faq, Item
from zwfw.core.regions import name_of, within
from zwfw.core.settings import ChatSettings
from zwfw.models import normalize
from zwfw.nav.plausible import WEAK_COVERAGE, coverage
from zwfw.qa import Action, QaResult, QaService
from zwfw.qa import Source as QaSource
from zwfw.search import SearchFilters, SearchService
from zwfw.search.preferences import Preferences, detect
from zwfw.search.results import Fallback

_PERSON = re.compile("个人|自己|本人|我自己")
_ORDINAL = {"1": 0, "一": 0, "2": 1, "二": 1, "两": 1, "3": 2, "三": 2, "4": 3, "四": 3}
_ORDINAL_RE = re.compile(r"^(?:第)?([1-4一二两三四])(?:个|项|种)?$")
_NONE_OF_THESE = re.compile("^(都不是|以上都不是|都不对|不是这些|都没有|没有我要的|其他|其它)$")
_ITEMS = SearchFilters(kinds=(DocKind.ITEM,))
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
        # With a navigation service, a need starts a guided dialogue; without one the
        # assistant offers the best-matching services as cards.
        self.nav_bridge = nav_bridge
        self.today = today

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
            turn.reply = _speak_text(EXPIRED, elder) + turn.reply
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
            return _speak(canned.canned(detected, self.search.settings.hotline, phone), elder)
        if (bare := strip_greeting(text)) != text:
            text, qa_text = bare, None
        fields = detect_fields(text)
        bare_field = bool(fields) and not names_something(_bare(subject_of(text), detect(text)))
        if state.nav_session and self.nav_bridge is not None:
            session = state.nav_session
            step, state.nav_session = self.nav_bridge.answer(session, text, elder)
            if step is not None:
                return step
            if bare_field and (left := self.nav_bridge.candidates(session, elder)):
                # "要带什么材料" while navigation asks: about the services still in play.
                return self._which_one(state, _item_offers(self.guide.load(left)), fields, elder)
        if state.pending == "pick" and bare_field and state.options:
            # A field question while options are pending is about one of them: ask which,
            # naming them, and answer that field once one is picked.
            loaded = {f"item:{i.id}": i for i in self.guide.load(list(state.options.values()))}
            offers = [Offer(v, k, 0.0, loaded.get(v)) for k, v in state.options.items()]
            return self._which_one(state, offers, fields, elder, keep=state.rest)
        if state.pending and (picked := self._picked(state, text, elder)) is not None:
            return picked if isinstance(picked, ChatReply) else self._guide(state, elder)
        state.pending, state.options, state.rest = None, {}, []
        if _NONE_OF_THESE.match(re.sub(r"[\W_]+", "", text)):  # nothing was offered
            empty = ChatReply("", "", ChatAction.HANDOFF)
            return replies.hand_off(empty, self.search.settings.hotline, elder, repeated=False)
        prefs = detect(text)
        subject = subject_of(text) if fields else text
        # "广州" after an answer asks the same in that city.
        follows = bool(fields or prefs.region) or bool(state.group and state.fields)
        if follows and not names_something(_bare(subject, prefs)):
            return self._follow_up(state, text, fields, prefs, elder)
        return self._decide(state, text, fields, elder, qa_text)

    def _follow_up(
        self, state: SessionState, text: str, fields: list[GuideField], prefs: Preferences,
        elder: bool,
    ) -> ChatReply:  # fmt: skip
        """A message without a subject of its own ("那要多少钱", "补办要带什么材料", "那深圳呢")
        is about what the conversation is about: the service, or the last answer's topic."""
        if state.group:
            self._remember(state, text, prefs)
            state.fields = [f.value for f in fields] or state.fields
            if state.region and (missing := self._region_missing(state, state.region, elder)):
                return missing
            return self.guide.answer(state, fields, elder) if fields else self._guide(state, elder)
        if state.topic and not fields and prefs.region:
            return self._topic_in_city(state, text, prefs, elder)
        if state.topic:
            # Routed with the last answer's topic; unsure, the router offers candidates.
            topic = f"{state.topic} {text}"
            return self._decide(state, topic, fields, elder, None, avoid=state.answered)
        state.fields = [f.value for f in fields]
        return _speak(
            ChatReply("", "请问您想问哪一项业务？比如“办护照”“社保卡”。", ChatAction.CLARIFY),
            elder,
        )

    def _topic_in_city(
        self, state: SessionState, text: str, prefs: Preferences, elder: bool
    ) -> ChatReply:
        """A city named after an answer ("深圳" after a FAQ about renewing a licence): the
        topic's services, that city's first; said plainly when the city has none of its own.
        The topic is searched alone, since a city name next to it drags in unrelated items
        of that city."""
        topic, region = state.topic or "", prefs.region or ""
        state.region = region
        turn = self._decide(state, topic, [], elder, None, avoid=state.answered)
        items = self.guide.load([f"item:{c.id}" for c in turn.cards if c.type == "item"])
        if turn.action is ChatAction.CLARIFY and not any(
            within(i.region_code, region) for i in items
        ):
            hotline = self.search.settings.hotline
            note = (
                f"没有找到{name_of(region) or text}专门的办理事项，下面是与“{topic}”最接近的；"
                f"也可以拨打{hotline}咨询当地的办理方式。"
            )
            turn.reply = _speak_text(note, elder) + ("\n" if not elder else "") + turn.reply
        return turn

    def _decide(
        self, state: SessionState, text: str, fields: list[GuideField], elder: bool,
        qa_text: str | None, avoid: str | None = None,
    ) -> ChatReply:  # fmt: skip
        """Route a message with a subject through the one router (see chat.router); `avoid`
        is a FAQ entry just answered, which a follow-up must not get again."""
        need = is_need(text) and not fields
        subject = subject_of(text) if fields else None
        decision = self.router.decide(text, need, self.today(), qa_text, subject)
        if avoid:
            offers = [o for o in decision.offers if o.key != f"faq:{avoid}"]
            decision = replace(decision, offers=offers)
        if avoid and decision.qa.sources and decision.qa.sources[0].id == avoid:
            route = Route.ITEM if decision.item else Route.CLARIFY
            decision = replace(decision, route=route if decision.offers else Route.NONE)
        if decision.route is Route.FAQ:
            turn = replies.faq_reply(state, decision.qa, decision.item, elder, decision.top)
            if decision.top is not None:  # follow-ups go to the shown item's guide
                state.group = [f"item:{i.id}" for i in _group(decision.top, decision.items)]
                self._remember(state, text, detect(text))
            return turn
        if decision.route is Route.ITEM and decision.item is not None:
            return self._item(state, text, decision, fields, elder)
        if decision.route is Route.NAVIGATE and self.nav_bridge is not None:
            step, state.nav_session = self.nav_bridge.start(text, elder)
            state.topic = text  # "要带什么材料" after navigation ends is about this need
            return step
        if decision.route is Route.NAVIGATE:
            items = navigation.suggest_services(self.search, text, state.region)
            if items:
                apps = navigation.suggest_apps(self.search, text, items)
                return navigation.navigation_reply(items, apps, elder)
        if decision.offers:
            state.fields = [f.value for f in fields]
            state.topic = subject_of(text) or text  # "补办要带什么" next is about this
            state.query = text
            ranked = [] if decision.weak else decision.items  # noise is not shown as cards
            return self._choose(state, decision.offers, elder, ranked)
        nearest = decision.items[:3] if decision.items else self._nearest(text)
        return replies.no_match(nearest, self.search.settings.hotline, elder)

    def _item(
        self, state: SessionState, text: str, decision: Decision, fields: list[GuideField],
        elder: bool,
    ) -> ChatReply:  # fmt: skip
        """The chat is about the confident item: answer the asked fields from its guide, or
        say what it is and ask what about it. The item is cited either way."""
        item = decision.item
        assert item is not None
        key = group_key(item)
        group = _group(item, decision.items)
        keys = [f"item:{i.id}" for i in group]
        if set(keys) != set(state.group):
            state.group, state.choices = keys, {}
        state.topic = base_name(item.catalog_name or item.name)
        if not fields:  # the reply names this service: follow-ups are about it
            state.keys, state.fields = keys, []
            state.choices = {"name": base_name(item.name)}
            same = [i for i in group if base_name(i.name) == base_name(item.name)]
            others = [i for i in decision.items if group_key(i) != key]
            # "都不是" says the guess was wrong: the other candidates come next.
            state.pending, state.rest = "about", [f"item:{i.id}" for i in others[:8]]
            return replies.about_item(item, same, others, elder)
        self._remember(state, text, detect(text))
        turn = self.guide.answer(state, fields, elder)
        if item.id not in {s.id for s in turn.sources}:
            turn.sources = [item_source(item), *turn.sources]
        return turn

    def _choose(
        self,
        state: SessionState,
        offers: list[Offer],
        elder: bool,
        ranked: list[Item] | None = None,
        head: str | None = None,
    ) -> ChatReply:
        turn, picks = replies.choose(offers, ranked or [], elder)
        turn.reply = head or turn.reply
        state.pending, state.options = "pick", picks
        state.rest = [o.key for o in offers if o.key not in picks.values()]
        return _speak(turn, elder)

    def _which_one(
        self, state: SessionState, offers: list[Offer], fields: list[GuideField], elder: bool,
        keep: list[str] | None = None,
    ) -> ChatReply:  # fmt: skip
        """Ask which of `offers` a field question is about, naming them; the pick is then
        answered with that field (see `_pick`)."""
        items = [o.item for o in offers if o.item is not None]
        asked = "、".join(dict.fromkeys(_FIELD_WORDS[f] for f in fields))
        head = f"您想了解下面哪一项的{asked}？请点选一项。"
        turn = self._choose(state, offers, elder, items, head=_speak_text(head, elder))
        state.fields = [f.value for f in fields]
        state.rest = keep if keep is not None else state.rest
        return turn

    def _nearest(self, text: str) -> list[Item]:
        """The closest items by meaning alone, however far, for a reply that found nothing
        to offer: named as "nearest", never as an answer."""
        q = self.search.analyze(text)
        found = self.search.retrieve(q, _ITEMS, 10, stage=Fallback.VECTOR_ONLY)
        return [c.record for c in found if isinstance(c.record, Item)][:3]

    def _guide(self, state: SessionState, elder: bool) -> ChatReply:
        if not state.fields:
            return self._about_group(state, elder)
        return self.guide.answer(state, [GuideField(f) for f in state.fields], elder)

    def _about_group(self, state: SessionState, elder: bool) -> ChatReply:
        items = narrow(self.guide.load(state.group), state.choices, state.region)
        if not items:
            return self.guide.answer(state, [], elder)
        state.keys = [f"item:{i.id}" for i in items]
        return replies.about_item(items[0], items[1:], [], elder)

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

    def _picked(self, state: SessionState, text: str, elder: bool) -> ChatReply | bool | None:
        """Apply a reply to a clarification: a quick-reply label, its number, or words that
        name the choice ("广州", "补办"); "都不是" asks for other candidates. None when the
        message is about something else (a new need is then routed afresh)."""
        bare = re.sub(r"[\W_]+", "", text)
        if _NONE_OF_THESE.match(bare):
            return self._none_of_these(state, text, elder)
        labels = list(state.options)
        plain = {re.sub(r"[\W_]+", "", label): label for label in labels}
        value = state.options.get(plain.get(bare, bare)) or next(
            (state.options[plain[p]] for p in plain if bare and p and (bare in p or p in bare)),
            None,
        )
        if value is None and (m := _ORDINAL_RE.match(bare)) and _ORDINAL[m[1]] < len(labels):
            value = state.options[labels[_ORDINAL[m[1]]]]
        if state.pending == "pick":
            return (
                self._pick(state, value, elder) if value else self._pick_region(state, text, elder)
            )
        if value is None:
            prefs = detect(text)
            wanted = {"region": prefs.region, "variant": prefs.variant}.get(state.pending or "")
            # "深圳" answers the question; "社会保障卡申领（首次）" names something new.
            if not wanted or names_something(_bare(text, prefs)):
                return None
            value = wanted
        self._remember(state, text, detect(text))  # "深圳第一次办" answers two questions
        if state.pending == "region":
            state.region = value
            return self._region_missing(state, value, elder) or True
        state.choices[state.pending or "name"] = value
        return True

    def _pick_region(self, state: SessionState, text: str, elder: bool) -> ChatReply | None:
        """A city named instead of a choice ("深圳"): the question again, in that city; when
        the city changes nothing, that is said instead of repeating the question."""
        prefs = detect(text)
        if not prefs.region or names_something(_bare(text, prefs)) or not state.query:
            return None
        if prefs.region == state.region:  # that city was tried: it changes nothing
            return replies.no_match([], self.search.settings.hotline, elder)
        state.region, asked = prefs.region, state.last_ask
        fields = [GuideField(f) for f in state.fields]
        turn = self._decide(state, f"{text} {state.query}", fields, elder, None)
        if asked and turn.reply == asked.split("|", 1)[0]:
            hotline = self.search.settings.hotline
            turn.reply = _speak_text(
                f"没有找到{name_of(prefs.region) or text}专门的办理事项，下面是最接近的；"
                f"您也可以拨打{hotline}咨询当地的办理方式。",
                elder,
            )
        return turn

    def _pick(self, state: SessionState, key: str, elder: bool) -> ChatReply | None:
        """The citizen chose a candidate: a FAQ entry is answered, an item is discussed."""
        state.pending, state.options, state.rest = None, {}, []
        kind, _, ident = key.partition(":")
        if kind == "faq":
            return self._faq_by_id(state, ident, elder)
        items = self.guide.load([key])
        if not items:
            return None
        item = items[0]
        # Its catalogue entry's other variants stay in reach: "补办要带什么" moves to them.
        entry = self.router.item_candidates(group_key(item))
        group = _group(item, [c.record for c in entry if isinstance(c.record, Item)])
        state.group, state.keys = [f"item:{i.id}" for i in group], [key]
        state.choices = {"name": base_name(item.name)}
        state.region = item.region_code  # a card of one city is a choice of that city
        state.topic = base_name(item.catalog_name or item.name)
        if state.fields:
            return self._guide(state, elder)
        return replies.about_item(item, [], [], elder)

    def _none_of_these(self, state: SessionState, text: str, elder: bool) -> ChatReply:
        """ "都不是": the next candidates when some still share words with the question (a
        title with a fair share of its bigrams in it); else say so at once and hand off with
        the nearest, rather than paging through noise."""
        rest = state.rest
        state.pending, state.options, state.rest = None, {}, []
        records = self.search.index.docs.get(rest)
        found = {k: r for k in rest if (r := records.get(k)) is not None}
        query = state.query or state.topic or ""
        offers = [
            Offer(k, r.title, 0.0, r if isinstance(r, Item) else None)
            for k, r in found.items()
            if not query or coverage(r.title, query) >= WEAK_COVERAGE
        ]
        if offers:
            return self._choose(state, offers, elder, head="那么，是下面哪一项？")
        items = self.guide.load(state.group) or [r for r in found.values() if isinstance(r, Item)]
        items = items or (self._nearest(query) if query else [])
        return replies.no_match(items, self.search.settings.hotline, elder)

    def _region_missing(self, state: SessionState, region: str, elder: bool) -> ChatReply | None:
        """A region named freely that none of the variants covers (see replies)."""
        # The variants the question was about: what was chosen so far, in any region.
        items = narrow(self.guide.load(state.group), state.choices, None)
        hotline = self.search.settings.hotline
        return replies.region_missing(state, items, region, hotline, elder)

    def _faq_by_id(self, state: SessionState, faq_id: str, elder: bool) -> ChatReply | None:
        records = self.search.index.docs.get([f"faq:{faq_id}"])
        faq = records.get(f"faq:{faq_id}")
        if not isinstance(faq, Faq) or not faq.is_live(self.today()):
            return None
        result = QaResult(Action.ANSWER, faq.answer, [QaSource(faq.id, "faq", faq.question)], [])
        return replies.faq_reply(state, result, None, elder)


def _bare(text: str, prefs: Preferences) -> str:
    """The text without the words that only name a region or a variant."""
    if prefs.region_words:
        text = text.replace(prefs.region_words, "")
    return re.sub(
        "首次|第一次|补办|补领|补发|丢了|丢失|换证|换领|到期|个人|单位|公司|企业", "", text
    )


_FIELD_WORDS = {
    GuideField.MATERIALS: "材料",
    GuideField.FEE: "收费",
    GuideField.TIME_LIMIT: "办理时限",
    GuideField.LOCATION: "办理地点",
    GuideField.ONLINE: "网上办理",
    GuideField.CONDITIONS: "申请条件",
    GuideField.PHONE: "咨询电话",
    GuideField.AUDIENCE: "服务对象",
}


def _item_offers(items: list[Item]) -> list[Offer]:
    return [Offer(f"item:{i.id}", i.name, 0.0, i) for i in items]


def _group(item: Item, items: list[Item]) -> list[Item]:
    """`item` and the other variants of its catalogue entry among `items`."""
    key = group_key(item)
    return [item, *[i for i in items if group_key(i) == key and i.id != item.id]]


def _speak_text(text: str, elder: bool) -> str:
    return for_elder(text, []) if elder else text


def _speak(turn: ChatReply, elder: bool) -> ChatReply:
    if elder:
        turn.reply = for_elder(turn.reply, [])
    return turn
