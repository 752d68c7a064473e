"""Hybrid search: lexical and vector candidates fused by RRF, filtered, faceted, highlighted."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import App, Faq, Item, Policy, Record
from zwfw.core.regions import name_of
from zwfw.core.settings import SearchSettings
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search.docstore import vid_range
from zwfw.search.filters import SearchFilters
from zwfw.search.fusion import rrf
from zwfw.search.highlight import highlight, snippet
from zwfw.search.query import AnalyzedQuery, analyze_query, lexical_query
from zwfw.search.store import OpenIndex
from zwfw.search.vocab import Vocabulary


@dataclass
class Candidate:
    """One fused candidate with the evidence of each retriever (ranks start at 1)."""

    key: str
    record: Record
    fused: float
    lexical_rank: int | None = None
    lexical_score: float = 0.0
    vector_rank: int | None = None
    vector_score: float = 0.0


@dataclass
class SearchHit:
    id: str
    type: str
    title: str
    score: float
    snippet: str
    highlight: dict[str, str]
    department: str
    region: str | None
    url: str | None


@dataclass
class SearchPage:
    query: str
    total: int
    took_ms: float
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    corrected_query: str | None = None
    did_you_mean: str | None = None


class SearchService:
    def __init__(
        self,
        index: OpenIndex,
        encoder: Encoder,
        segmenter: Segmenter,
        settings: SearchSettings,
        vocab: Vocabulary | None = None,
    ) -> None:
        self.index = index
        self.encoder = encoder
        self.segmenter = segmenter
        self.settings = settings
        # Without a vocabulary, queries are searched as typed (no pinyin or typo rewriting).
        self.vocab = vocab

    def analyze(self, raw: str) -> AnalyzedQuery:
        if not raw.strip():
            raise InvalidQuery("the query is empty")
        if len(raw) > self.settings.max_query_chars:
            raise InvalidQuery(
                f"the query is longer than {self.settings.max_query_chars} characters"
            )
        return analyze_query(raw, self.segmenter, self.vocab)

    def retrieve(
        self,
        q: AnalyzedQuery,
        filters: SearchFilters,
        limit: int | None = None,
        weights: tuple[float, float] | None = None,
    ) -> list[Candidate]:
        """Fused candidates, best first, all satisfying `filters`.

        `weights` (lexical, vector) override the settings' RRF weights for one call: FAQ
        matching trusts the encoder more than item search does.
        """
        limit = limit or self.settings.candidates
        lex_w, vec_w = weights or (self.settings.lexical_weight, self.settings.vector_weight)
        lex = self.index.lexical.search(lexical_query(q, filters.lexical(), limit))
        vec = self._vector(q, filters, limit)
        fused = rrf(
            [
                ([h.key for h in lex], lex_w),
                ([k for k, _ in vec], vec_w),
            ],
            k=self.settings.rrf_k,
        )
        records = self.index.docs.get(list(fused))
        out = {
            key: Candidate(key, records[key], score)
            for key, score in fused.items()
            if key in records
        }
        for rank, hit in enumerate(lex, start=1):
            if hit.key in out:
                out[hit.key].lexical_rank, out[hit.key].lexical_score = rank, hit.score
        for rank, (key, score) in enumerate(vec, start=1):
            if key in out:
                out[key].vector_rank, out[key].vector_score = rank, score
        return sorted(out.values(), key=lambda c: -c.fused)

    def _vector(
        self, q: AnalyzedQuery, filters: SearchFilters, limit: int
    ) -> list[tuple[str, float]]:
        vector = self.encoder.encode_queries([q.dense_text])
        ranges = [vid_range(k.value) for k in filters.kinds]
        k = limit * 4 if filters.narrows_beyond_kind else limit
        scores, ids = self.index.vectors.search(vector, k, ranges)
        pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        records = self.index.docs.by_vid([i for i, _ in pairs])
        out = []
        for vid, score in pairs:
            record = records.get(vid)
            if record is not None and filters.matches(record):
                out.append((f"{record.kind}:{record.id}", score))
        return out[:limit]

    def search(self, raw: str, filters: SearchFilters, page: int = 1, size: int = 10) -> SearchPage:
        started = time.perf_counter()
        if page < 1 or not 1 <= size <= self.settings.max_page_size:
            raise InvalidQuery(
                f"page must be ≥ 1 and size between 1 and {self.settings.max_page_size}"
            )
        q = self.analyze(raw)
        candidates = self.retrieve(q, filters, max(self.settings.candidates, page * size))
        window = candidates[(page - 1) * size : page * size]
        return SearchPage(
            query=raw,
            total=len(candidates),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=[to_hit(c, q) for c in window],
            facets=facets(candidates),
            corrected_query=q.corrected_query,
            did_you_mean=q.did_you_mean,
        )


def facets(candidates: list[Candidate]) -> dict[str, dict[str, int]]:
    """Counts per type and department over every candidate, not only the shown page."""
    return {
        "type": dict(Counter(c.record.kind for c in candidates).most_common()),
        "department": dict(
            Counter(c.record.department for c in candidates if c.record.department).most_common(20)
        ),
    }


def body_of(record: Record) -> str:
    if isinstance(record, Item):
        parts = [
            record.conditions,
            "材料：" + "、".join(record.materials) if record.materials else "",
        ]
        return "；".join(p for p in parts if p) or record.department
    if isinstance(record, App):
        return record.description
    if isinstance(record, Faq):
        return record.answer
    return record.summary


def to_hit(c: Candidate, q: AnalyzedQuery) -> SearchHit:
    record, terms = c.record, q.terms
    title = record.title
    body = body_of(record)
    snip = snippet(body, terms)
    region = getattr(record, "region_code", None)
    return SearchHit(
        id=record.id,
        type=record.kind,
        title=title,
        score=round(c.fused, 6),
        snippet=snip,
        highlight={"title": highlight(title, terms), "snippet": highlight(snip, terms)},
        department=record.department,
        region=name_of(region) if region else None,
        url=record.url if not isinstance(record, Policy) else None,
    )
