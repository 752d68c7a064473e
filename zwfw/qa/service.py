"""FAQ answers with sources: match the question, then answer, clarify or hand off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import DocKind, Faq
from zwfw.core.regions import name_of
from zwfw.core.settings import QaSettings
from zwfw.qa.classifier import AnswerModel
from zwfw.qa.decide import Action
from zwfw.qa.features import Context, WordsOf, featurize
from zwfw.qa.matcher import DEPTH
from zwfw.qa.narrower import narrower
from zwfw.qa.outofscope import home_of
from zwfw.qa.pairs import pair_features
from zwfw.qa.rerank import BlendReranker, Scored
from zwfw.search import AnalyzedQuery, Candidate, SearchFilters, SearchService

SUGGESTIONS = 3
_DEPTH = 30


@dataclass(frozen=True)
class Source:
    id: str
    type: str
    title: str
    # The region whose rules the entry states (北京市): a FAQ of one city read by a citizen
    # of another must say whose answer it is. Empty when the entry has no region.
    region: str = ""


def faq_source(faq: Faq) -> Source:
    """The entry as a source, labelled with its region's name."""
    return Source(faq.id, "faq", faq.question, name_of(faq.region_code) if faq.region_code else "")


@dataclass(frozen=True)
class Suggestion:
    id: str
    question: str
    score: float


@dataclass
class QaResult:
    action: Action
    answer: str | None
    sources: list[Source] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # The classifier's probability that the top entry answers the question (0 when none).
    confidence: float = 0.0


@dataclass(frozen=True)
class Match:
    """An analysed question and its scored live candidates, best first."""

    query: AnalyzedQuery
    scored: list[Scored]


class QaService:
    def __init__(
        self,
        search: SearchService,
        settings: QaSettings,
        model: AnswerModel,
        reranker: BlendReranker | None = None,
    ) -> None:
        self.search, self.settings, self.model = search, settings, model
        self.reranker = reranker or BlendReranker(None)
        self.words_of = WordsOf(search.segmenter.words)

    @cached_property
    def context(self) -> Context:
        """The catalogue's home regions, read once (≈1 s for 2,000 entries), on first use."""
        return Context(home_of(self.search.index.docs.iter_kind("faq")))

    def candidates(self, question: str, today: dt.date | None = None) -> list[Candidate]:
        """Live FAQ candidates, best first (expired entries are dropped, never answered)."""
        return [s.candidate for s in self.match(question, today).scored]

    def match(
        self, question: str, today: dt.date | None = None, hide: Collection[str] = ()
    ) -> Match:
        """Scored live candidates; `hide` removes entries by id (for leave-one-out fitting)."""
        if len(question) > self.settings.max_question_chars:
            raise InvalidQuery(
                f"the question is longer than {self.settings.max_question_chars} characters"
            )
        q = self.search.analyze(question)
        today = today or dt.date.today()
        weights = (self.settings.lexical_weight, self.settings.vector_weight)
        found = self.search.retrieve(q, SearchFilters(kinds=(DocKind.FAQ,)), _DEPTH, weights)
        live = [c for c in found if isinstance(c.record, Faq) and c.record.is_live(today)]
        return Match(q, self.reranker.score(question, _without(live, hide)))

    def ask(self, question: str, today: dt.date | None = None) -> QaResult:
        return self.decide(self.match(question, today))

    def decide(self, match: Match) -> QaResult:
        found = [s.candidate for s in match.scored]
        suggestions = [
            Suggestion(c.record.id, c.record.title, round(c.vector_score, 4))
            for c in found[:SUGGESTIONS]
        ]
        if not found:
            return self._handoff(suggestions, 0.0)
        x = featurize(match.query, match.scored, self.words_of, self.context, self._judged(match))
        action, confidence = self.model.decide(x)
        confidence = round(confidence, 4)
        if action is Action.HANDOFF:
            return self._handoff(suggestions, confidence)
        if action is Action.ANSWER and narrower(match.query, match.scored, self.words_of):
            action = Action.CLARIFY  # a generic question, a narrower entry: the citizen chooses
        if action is Action.CLARIFY:
            return QaResult(Action.CLARIFY, None, [], suggestions, confidence)
        top = found[0].record
        assert isinstance(top, Faq)
        return QaResult(Action.ANSWER, top.answer, [faq_source(top)], suggestions, confidence)

    def _judged(self, match: Match) -> np.ndarray | None:
        """The pair matcher's probability for each head candidate (None without a matcher)."""
        matcher = self.model.matcher
        if matcher is None:
            return None
        head = match.scored[:DEPTH]
        return matcher.probabilities(pair_features(match.query, head, self.words_of))

    def _handoff(self, suggestions: list[Suggestion], confidence: float) -> QaResult:
        text = (
            # No agent is behind the API to transfer to: the hotline is the human service.
            f"这个问题我暂时无法准确回答，人工服务请拨打政务服务便民热线"
            f"{self.settings.hotline}咨询。"
        )
        return QaResult(Action.HANDOFF, text, [], suggestions, confidence)


def _without(found: list[Candidate], hide: Collection[str]) -> list[Candidate]:
    """`found` minus the hidden entries, with each retriever's ranks closed up around them."""
    if not hide:
        return found
    gone = [c for c in found if c.record.id in hide]
    kept = [c for c in found if c.record.id not in hide]

    def _rank(rank: int | None, ranks: list[int | None]) -> int | None:
        return None if rank is None else rank - sum(1 for r in ranks if r is not None and r < rank)

    lex = [c.lexical_rank for c in gone]
    vec = [c.vector_rank for c in gone]
    return [
        replace(c, lexical_rank=_rank(c.lexical_rank, lex), vector_rank=_rank(c.vector_rank, vec))
        for c in kept
    ]
