"""One decision per chat turn, from the retrieval and confidence `/v1/search` and `/v1/qa` use.

Never worse than its parts: when `QaService.ask` answers, the turn answers with the same
entry; when search's top item is a confident match (`confidence.py`), the turn is about that
item. Otherwise items and FAQ entries compete in one candidate list, ranked by the same e5
cosine, and the citizen chooses; a need starts guided navigation; and when nothing is
plausible the turn says so and hands off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from zwfw.chat.confidence import (
    base_name,
    confident_item,
    evident_item,
    foreign_region,
    is_lookup,
    title_coverage,
)
from zwfw.chat.subject import Subject
from zwfw.core.records import DocKind, Faq, Item
from zwfw.nav import weak
from zwfw.qa import Action, QaResult, QaService
from zwfw.qa.service import Match
from zwfw.search import Candidate, SearchFilters, SearchService
from zwfw.search.query import AnalyzedQuery

_ITEMS = SearchFilters(kinds=(DocKind.ITEM,))
_POOL = 40
_RELATED_COVERAGE = 0.5
_DEEPER = 10  # QA's candidates looked at for entries that hold the message's subject


class Route(StrEnum):
    FAQ = "faq"  # QaService answers: the same entry
    ITEM = "item"  # search's top item is a confident match
    NAVIGATE = "navigate"  # a need, no confident item: guided navigation
    CLARIFY = "clarify"  # plausible candidates, none confident: the citizen chooses
    NONE = "none"  # nothing plausible: say so, nearest items, hotline


@dataclass(frozen=True)
class Offer:
    """One entry of the merged candidate list: an item or a FAQ entry."""

    key: str  # "item:<id>" or "faq:<id>"
    label: str
    score: float  # e5 cosine with the message
    item: Item | None = None


@dataclass(frozen=True)
class Decision:
    route: Route
    qa: QaResult
    item: Item | None = None  # the confident item (beside a FAQ answer: also named)
    top: Item | None = None  # search's confident top item, named or not
    items: list[Item] = field(default_factory=list)  # item candidates, search's order
    offers: list[Offer] = field(default_factory=list)  # plausible items and FAQs, best first
    weak: bool = False  # no item candidate is plausible (see nav.plausible): nearest only
    # A match but for the region named: (the item, the region it does not serve).
    elsewhere: tuple[Item, str] | None = None


def _deeper(match: Match, result: QaResult) -> list[Candidate]:
    """QA's candidates after the suggestions it made, when it made any (not a hand-off)."""
    if result.action is Action.HANDOFF:
        return []
    shown = {s.id for s in result.suggestions}
    return [
        s.candidate
        for s in match.scored[:_DEEPER]
        if isinstance(s.candidate.record, Faq) and s.candidate.record.id not in shown
    ]


class TurnRouter:
    def __init__(self, search: SearchService, qa: QaService, item_min_cosine: float) -> None:
        self.search, self.qa, self.item_min_cosine = search, qa, item_min_cosine

    def item_candidates(self, text: str) -> list[Candidate]:
        """Item candidates as `/v1/search` ranks them (its first stage, before fallbacks)."""
        return self._candidates(self.search.analyze(text))

    def _candidates(self, q: AnalyzedQuery) -> list[Candidate]:
        floor = self.search.settings.vector_min_score
        return self.search.retrieve(q, _ITEMS, _POOL, vector_floor=floor)

    def confident(self, text: str) -> tuple[Item | None, list[Candidate], str]:
        """The confident item, the candidates, and the text as analysed (pinyin rewritten:
        jindu chaxun asks about progress)."""
        q = self.search.analyze(text)
        found = self._candidates(q)
        return confident_item(found, text, self.item_min_cosine, q.text), found, q.text

    def decide(
        self,
        text: str,
        need: bool,
        today: dt.date,
        qa_text: str | None = None,
        subject: str | None = None,
    ) -> Decision:
        """Route `text`; `qa_text` is the message as `/v1/qa` would receive it, if different;
        `subject` is a guide-field question without its field words ("广州社保卡首次申领"
        for "…能网上办吗"), tried when the whole message names no item confidently."""
        match = self.qa.match(qa_text or text, today)
        result = self.qa.decide(match)  # what QaService.ask answers
        item, found, analysed = self.confident(text)
        if item is None and subject and subject != text:
            item, by_subject, _ = self.confident(subject)
            found = by_subject if item is not None else found
        items = [c.record for c in found if isinstance(c.record, Item)]
        about = Subject.of(match.query)
        offers = self._offers(found, result, about, _deeper(match, result))
        evident = (
            evident_item(found, text, self.item_min_cosine, analysed) if item is None else None
        )
        region = foreign_region(evident, text) if evident is not None else None
        elsewhere = (evident, region) if evident is not None and region else None
        # Noise is not offered as if it were a match: with weak item candidates only the
        # FAQ suggestions QA itself would offer remain (a need still goes to navigation,
        # whose life-event bundles do not depend on retrieval, and which declines alike).
        noise = item is None and weak(found, subject or text)
        if noise:
            offers = [o for o in offers if o.item is None]
        top = item
        if result.action is Action.ANSWER:
            route = Route.FAQ
            # Cited beside a FAQ answer, an item must also be named in the words: the
            # encoder alone matched "社保卡办理进度" to 居住证办理进度查询.
            if top is not None and title_coverage(top, text) < _RELATED_COVERAGE:
                item = None
        elif item is not None:
            route = Route.ITEM
        elif need:
            route = Route.NAVIGATE
        elif offers:
            route = Route.CLARIFY
        else:
            route = Route.NONE
        return Decision(route, result, item, top, items, offers, noise, elsewhere)

    def _offers(
        self,
        found: list[Candidate],
        result: QaResult,
        subject: Subject,
        deeper: list[Candidate],
    ) -> list[Offer]:
        """Items and FAQ suggestions in one list by cosine; one offer per item name. FAQ
        suggestions are offered only when QA's calibrated decision would offer them itself
        (answer or clarify), never after it chose to hand off.

        The options are about what the message names: offers that hold its subject come
        first, and QA's next candidates (`deeper`) that hold it follow them. 身份证怎么补办
        offered 产权证平面图丢失，怎么补办？ and 如何办理补考？ (close by cosine, both 补办)
        before the entries about 身份证 QA ranked fourth and fifth. Among those, progress
        lookups come last unless the message asks about progress (as in search and
        navigation): 深圳护照办理要多少钱 wants the passport service, not four 办证进度查询
        items before it."""
        item_floor = self.search.settings.vector_min_score
        faq_offered = result.action is not Action.HANDOFF
        offers = [
            Offer(f"item:{c.record.id}", c.record.name, c.vector_score, c.record)
            for c in found
            if isinstance(c.record, Item) and c.vector_score >= item_floor
        ]
        offers += [
            Offer(f"faq:{s.id}", s.question, s.score)
            for s in result.suggestions
            if faq_offered and s.score >= item_floor
        ]
        extra = [
            Offer(f"faq:{c.record.id}", c.record.title, c.vector_score)
            for c in deeper
            if faq_offered and c.vector_score >= item_floor and subject.holds(c.record.title)
        ]
        lookups = not subject.lookup  # to come last
        # Holders first (the deeper entries after those QA and search offered), then the rest.
        rank = {o.key: i for i, o in enumerate(extra)}
        offers = sorted(
            [*offers, *extra],
            key=lambda o: (
                not subject.holds(o.label),
                o.key in rank,
                lookups and is_lookup(o.label),
                -o.score,
            ),
        )
        seen: set[str] = set()
        unique = []
        for offer in offers:
            name = base_name(offer.label)
            if name not in seen:
                seen.add(name)
                unique.append(offer)
        # Offers that share nothing with the subject are dropped when two or more hold it.
        if sum(subject.holds(o.label) for o in unique) >= 2:
            unique = [o for o in unique if subject.shares(o.label)]
        return unique
