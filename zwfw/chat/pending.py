"""A reply to the question the session has open: a navigation step, or options pending.

The open question is answered by a quick-reply label, its number ("第二个"), or words that
name the choice ("广州", "补办"); "都不是" asks for other candidates; a city named instead
of a choice asks again in that city; a guide-field question ("要带什么材料") asks which of
the candidates it is about. Anything else is not an answer, and the turn is routed afresh.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from zwfw.chat import replies
from zwfw.chat.confidence import base_name
from zwfw.chat.decide import Decider
from zwfw.chat.elder import elder_text
from zwfw.chat.fields import FIELD_WORDS, GuideField, names_something
from zwfw.chat.guide import GuideAnswers
from zwfw.chat.nav_bridge import NavBridge
from zwfw.chat.router import Offer, TurnRouter
from zwfw.chat.sessions import SessionState
from zwfw.chat.types import ChatReply
from zwfw.chat.variants import group_key, group_of, remember, strip_choices
from zwfw.core.records import Faq, Item
from zwfw.core.regions import name_of
from zwfw.nav.plausible import WEAK_COVERAGE, coverage
from zwfw.qa import Action, QaResult, faq_source
from zwfw.search import SearchService
from zwfw.search.preferences import detect

_ORDINAL = {"1": 0, "一": 0, "2": 1, "二": 1, "两": 1, "3": 2, "三": 2, "4": 3, "四": 3}
_ORDINAL_RE = re.compile(r"^(?:第)?([1-4一二两三四])(?:个|项|种)?$")
_NONE_OF_THESE = re.compile("^(都不是|以上都不是|都不对|不是这些|都没有|没有我要的|其他|其它)$")


def says_none_of_these(text: str) -> bool:
    """True for "都不是" and its variants, punctuation ignored."""
    return bool(_NONE_OF_THESE.match(_plain(text)))


class PendingAnswers:
    def __init__(
        self,
        search: SearchService,
        guide: GuideAnswers,
        router: TurnRouter,
        decider: Decider,
        nav_bridge: NavBridge | None,
        today: Callable[[], dt.date],
    ) -> None:
        self.search, self.guide, self.router, self.decider = search, guide, router, decider
        self.nav_bridge, self.today = nav_bridge, today

    def answer(
        self, state: SessionState, text: str, fields: list[GuideField], bare_field: bool,
        elder: bool,
    ) -> ChatReply | None:  # fmt: skip
        """The reply when `text` answers the open question; None when it is about something
        else. `bare_field` is a field question that names no service ("要带什么材料")."""
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
            return picked if isinstance(picked, ChatReply) else self.guide.answer_kept(state, elder)
        return None

    def _which_one(
        self, state: SessionState, offers: list[Offer], fields: list[GuideField], elder: bool,
        keep: list[str] | None = None,
    ) -> ChatReply:  # fmt: skip
        """Ask which of `offers` a field question is about, naming them; the pick is then
        answered with that field (see `_pick`)."""
        items = [o.item for o in offers if o.item is not None]
        asked = "、".join(dict.fromkeys(FIELD_WORDS[f] for f in fields))
        head = f"您想了解下面哪一项的{asked}？请点选一项。"
        turn = self.decider.choose(state, offers, elder, items, head=elder_text(head, elder))
        state.fields = [f.value for f in fields]
        state.rest = keep if keep is not None else state.rest
        return turn

    def _picked(self, state: SessionState, text: str, elder: bool) -> ChatReply | bool | None:
        """Apply a reply to a clarification: a quick-reply label, its number, or words that
        name the choice ("广州", "补办"); "都不是" asks for other candidates. None when the
        message is about something else (a new need is then routed afresh)."""
        bare = _plain(text)
        if _NONE_OF_THESE.match(bare):
            return self._none_of_these(state, elder)
        labels = list(state.options)
        plain = {_plain(label): label for label in labels}
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
            if not wanted or names_something(strip_choices(text, prefs)):
                return None
            value = wanted
        remember(state, text, detect(text))  # "深圳第一次办" answers two questions
        if state.pending == "region":
            state.region = value
            return self.guide.region_missing(state, value, elder) or True
        state.choices[state.pending or "name"] = value
        return True

    def _pick_region(self, state: SessionState, text: str, elder: bool) -> ChatReply | None:
        """A city named instead of a choice ("深圳"): the question again, in that city; when
        the city changes nothing, that is said instead of repeating the question."""
        prefs = detect(text)
        if not prefs.region or names_something(strip_choices(text, prefs)) or not state.query:
            return None
        if prefs.region == state.region:  # that city was tried: it changes nothing
            return replies.no_match([], self.search.settings.hotline, elder)
        state.region, asked = prefs.region, state.last_ask
        fields = [GuideField(f) for f in state.fields]
        turn = self.decider.decide(state, f"{text} {state.query}", fields, elder, None)
        if asked and turn.reply == asked.split("|", 1)[0]:
            hotline = self.search.settings.hotline
            turn.reply = elder_text(
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
        group = group_of(item, [c.record for c in entry if isinstance(c.record, Item)])
        state.group, state.keys = [f"item:{i.id}" for i in group], [key]
        state.choices = {"name": base_name(item.name)}
        state.region = item.region_code  # a card of one city is a choice of that city
        state.topic = base_name(item.catalog_name or item.name)
        if state.fields:
            return self.guide.answer_kept(state, elder)
        return replies.about_item(item, [], [], elder)

    def _none_of_these(self, state: SessionState, elder: bool) -> ChatReply:
        """ "都不是": the next candidates when some still share words with the question (see
        `_related`); else say so at once and hand off with the nearest, rather than paging
        through noise."""
        rest = state.rest
        state.pending, state.options, state.rest = None, {}, []
        records = self.search.index.docs.get(rest)
        found = {k: r for k in rest if (r := records.get(k)) is not None}
        query = state.query or state.topic or ""
        offers = [
            Offer(k, r.title, 0.0, r if isinstance(r, Item) else None)
            for k, r in found.items()
            if not query or _related(r.title, query)
        ]
        if offers:
            return self.decider.choose(state, offers, elder, head="那么，是下面哪一项？")
        items = self.guide.load(state.group) or [r for r in found.values() if isinstance(r, Item)]
        items = items or (self.decider.nearest(query) if query else [])
        return replies.no_match(items, self.search.settings.hotline, elder)

    def _faq_by_id(self, state: SessionState, faq_id: str, elder: bool) -> ChatReply | None:
        records = self.search.index.docs.get([f"faq:{faq_id}"])
        faq = records.get(f"faq:{faq_id}")
        if not isinstance(faq, Faq) or not faq.is_live(self.today()):
            return None
        result = QaResult(Action.ANSWER, faq.answer, [faq_source(faq)], [])
        return replies.faq_reply(state, result, None, elder)


def _plain(text: str) -> str:
    """The text without punctuation or spaces, as labels are compared."""
    return re.sub(r"[\W_]+", "", text)


def _related(title: str, query: str) -> bool:
    """A title that shares words with the question: a fair share of the title's bigrams in
    it, or of its bigrams in the title (a keyword question, 驾驶证, covers little of any
    long title, but 机动车驾驶证初次申领 holds all of it)."""
    return max(coverage(title, query), coverage(query, title)) >= WEAK_COVERAGE


def _item_offers(items: list[Item]) -> list[Offer]:
    return [Offer(f"item:{i.id}", i.name, 0.0, i) for i in items]
