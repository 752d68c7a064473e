"""FAQ answers with sources: match the question, then answer, clarify or hand off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import DocKind, Faq
from zwfw.core.settings import QaSettings
from zwfw.models import normalize
from zwfw.qa.decide import Action, Evidence, decide
from zwfw.qa.rerank import BlendReranker
from zwfw.search import AnalyzedQuery, Candidate, SearchFilters, SearchService

SUGGESTIONS = 3


@dataclass(frozen=True)
class Source:
    id: str
    type: str
    title: str


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


class QaService:
    def __init__(
        self, search: SearchService, settings: QaSettings, reranker: BlendReranker | None = None
    ) -> None:
        self.search, self.settings = search, settings
        self.reranker = reranker

    def candidates(self, question: str, today: dt.date | None = None) -> list[Candidate]:
        """Live FAQ candidates, best first (expired entries are dropped, never answered)."""
        return self._match(question, today)[1]

    def _match(self, question: str, today: dt.date | None) -> tuple[AnalyzedQuery, list[Candidate]]:
        if len(question) > self.settings.max_question_chars:
            raise InvalidQuery(
                f"the question is longer than {self.settings.max_question_chars} characters"
            )
        q = self.search.analyze(question)
        today = today or dt.date.today()
        weights = (self.settings.lexical_weight, self.settings.vector_weight)
        found = self.search.retrieve(q, SearchFilters(kinds=(DocKind.FAQ,)), 30, weights)
        live = [c for c in found if isinstance(c.record, Faq) and c.record.is_live(today)]
        return q, self.reranker.rerank(question, live) if self.reranker else live

    def ask(self, question: str, today: dt.date | None = None) -> QaResult:
        q, found = self._match(question, today)
        suggestions = [
            Suggestion(c.record.id, c.record.title, round(c.vector_score, 4))
            for c in found[:SUGGESTIONS]
        ]
        if not found:
            return self._handoff(suggestions)
        action = decide(evidence(found, q.words), self.settings)
        if action is Action.HANDOFF:
            return self._handoff(suggestions)
        if action is Action.CLARIFY:
            return QaResult(Action.CLARIFY, None, [], suggestions)
        top = found[0].record
        assert isinstance(top, Faq)
        return QaResult(
            Action.ANSWER, top.answer, [Source(top.id, "faq", top.question)], suggestions
        )

    def _handoff(self, suggestions: list[Suggestion]) -> QaResult:
        text = (
            f"这个问题我暂时无法准确回答，已为您转人工服务；"
            f"您也可以拨打政务服务便民热线{self.settings.hotline}咨询。"
        )
        return QaResult(Action.HANDOFF, text, [], suggestions)


def evidence(found: list[Candidate], words: Sequence[str]) -> Evidence:
    """Decision features of the top candidate; `words` are the query's analysed words."""
    top = found[0]
    cosines = sorted((c.vector_score for c in found), reverse=True)
    content = [w for w in words if len(w) >= 2] or list(words)
    question = normalize(top.record.title)
    return Evidence(
        cosine=top.vector_score,
        agree=top.lexical_rank == 1 and top.vector_rank == 1,
        best_cosine=cosines[0],
        coverage=sum(w in question for w in content) / max(1, len(content)),
        margin=cosines[0] - cosines[1] if len(cosines) > 1 else 1.0,
    )
