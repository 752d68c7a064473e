"""Hybrid search: lexical and vector candidates fused by RRF, filtered, faceted, highlighted."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import Record, doc_key
from zwfw.core.settings import SearchSettings
from zwfw.models import Segmenter, normalize
from zwfw.models.encoders import Encoder
from zwfw.search.docstore import vid_range
from zwfw.search.filters import SearchFilters
from zwfw.search.fusion import rrf
from zwfw.search.preferences import reorder
from zwfw.search.query import AnalyzedQuery, analyze_query, lexical_query
from zwfw.search.results import Candidate, Fallback, SearchPage, facets, to_hit
from zwfw.search.store import OpenIndex
from zwfw.search.suggest import Suggester
from zwfw.search.synonyms import SynonymSet
from zwfw.search.vocab import Vocabulary

# Catalogues list a "进度查询" item next to most services. Someone asking how to get a passport
# wants the service, so progress lookups step back unless the query asks about progress.
PROGRESS_ITEM = re.compile("进度查询|办证进度|办理进度|结果查询")
PROGRESS_INTENT = re.compile("进度|查询|查一下|查查|办好|到哪|好了没|结果")
PROGRESS_DEMOTION = 0.9
# A query that contains a document's whole title ("请不起律师，怎么申请法律援助" names 法律援助)
# asks for that document, not for longer titles that repeat the words.
NAMED_BOOST = 1.1


def _named_in(title: str, text: str) -> bool:
    name = normalize(title)
    return len(name) >= 3 and name in text


class SearchService:
    def __init__(
        self,
        index: OpenIndex,
        encoder: Encoder,
        segmenter: Segmenter,
        settings: SearchSettings,
        vocab: Vocabulary | None = None,
        synonyms: Callable[[], SynonymSet] | None = None,
    ) -> None:
        self.index = index
        self.encoder = encoder
        self.segmenter = segmenter
        self.settings = settings
        # Without a vocabulary, queries are searched as typed (no pinyin or typo rewriting).
        self.vocab = vocab
        # Called once per query: a snapshot of the admin-edited synonyms, cheap when unchanged.
        self.synonyms = synonyms
        # Offered when nothing at all matches; set by the runtime once built.
        self.suggester: Suggester | None = None

    def analyze(self, raw: str) -> AnalyzedQuery:
        if not normalize(raw).strip():
            raise InvalidQuery("the query is empty")
        if len(raw) > self.settings.max_query_chars:
            raise InvalidQuery(
                f"the query is longer than {self.settings.max_query_chars} characters"
            )
        synonyms = self.synonyms() if self.synonyms else None
        return analyze_query(raw, self.segmenter, self.vocab, synonyms)

    def retrieve(
        self,
        q: AnalyzedQuery,
        filters: SearchFilters,
        limit: int | None = None,
        weights: tuple[float, float] | None = None,
        stage: Fallback = Fallback.NONE,
        vector_floor: float = 0.0,
    ) -> list[Candidate]:
        """Fused candidates, best first, all satisfying `filters`.

        `weights` (lexical, vector) override the settings' RRF weights for one call: FAQ
        matching trusts the encoder more than item search does. Vector candidates with no
        lexical match need `vector_floor`; `stage` selects a fallback (see `search`).
        """
        limit = limit or self.settings.candidates
        lex_w, vec_w = weights or (self.settings.lexical_weight, self.settings.vector_weight)
        lex = []
        if stage is not Fallback.VECTOR_ONLY:
            relaxed = stage is Fallback.RELAXED
            lex = self.index.lexical.search(lexical_query(q, filters.lexical(), limit, relaxed))
        lexical_keys = {h.key for h in lex}
        vec = [
            (key, score, record)
            for key, score, record in self._vector(q, filters, limit)
            if key in lexical_keys or score >= vector_floor
        ]
        fused = rrf(
            [
                ([h.key for h in lex], lex_w),
                ([k for k, _, _ in vec], vec_w),
            ],
            k=self.settings.rrf_k,
        )
        records = {key: record for key, _, record in vec}  # vector hits are already loaded
        records.update(self.index.docs.get([k for k in fused if k not in records]))
        out = {
            key: Candidate(key, records[key], score)
            for key, score in fused.items()
            if key in records
        }
        for rank, hit in enumerate(lex, start=1):
            if hit.key in out:
                out[hit.key].lexical_rank, out[hit.key].lexical_score = rank, hit.score
        for rank, (key, score, _) in enumerate(vec, start=1):
            if key in out:
                out[key].vector_rank, out[key].vector_score = rank, score
        progress = PROGRESS_INTENT.search(q.text) is not None
        for c in out.values():
            if not progress and PROGRESS_ITEM.search(c.record.title):
                c.fused *= PROGRESS_DEMOTION
            if _named_in(c.record.title, q.text):
                c.fused *= NAMED_BOOST
        ranked = sorted(out.values(), key=lambda c: -c.fused)
        prefs = q.preferences
        if prefs.empty:
            return ranked
        scores = [c.fused for c in ranked]
        result = [ranked[i] for i in reorder([c.record for c in ranked], prefs)]
        for candidate, score in zip(result, scores, strict=True):
            candidate.fused = score  # scores stay monotonic in the shown order
        return result

    def _vector(
        self, q: AnalyzedQuery, filters: SearchFilters, limit: int
    ) -> list[tuple[str, float, Record]]:
        """Vector hits as (key, cosine, record): the records were needed for filtering, so
        the caller does not read them again."""
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
                out.append((doc_key(record.kind, record.id), score, record))
        return out[:limit]

    def search(self, raw: str, filters: SearchFilters, page: int = 1, size: int = 10) -> SearchPage:
        started = time.perf_counter()
        if page < 1 or not 1 <= size <= self.settings.max_page_size:
            raise InvalidQuery(
                f"page must be ≥ 1 and size between 1 and {self.settings.max_page_size}"
            )
        deepest = self.settings.max_result_window
        if page * size > deepest:
            raise InvalidQuery(
                f"results are served up to position {deepest}: ask for an earlier page"
            )
        q = self.analyze(raw)
        stage, candidates = self._with_fallbacks(
            q, filters, max(self.settings.candidates, page * size)
        )
        window = candidates[(page - 1) * size : page * size]
        return SearchPage(
            query=raw,
            total=len(candidates),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=[to_hit(c, q) for c in window],
            facets=facets(candidates),
            corrected_query=q.corrected_query,
            did_you_mean=q.did_you_mean,
            fallback=stage.value,
            suggestions=self._suggestions(q) if stage is Fallback.SUGGESTIONS else [],
            hotline=self.settings.hotline if stage is Fallback.SUGGESTIONS else None,
        )

    def _with_fallbacks(
        self, q: AnalyzedQuery, filters: SearchFilters, limit: int
    ) -> tuple[Fallback, list[Candidate]]:
        """Zero results never leave the user empty-handed: the query as typed; then relaxed
        (a single shared character counts as a match); then the vector side alone with a
        lower bar; and last, suggestions and the hotline."""
        floors = {
            Fallback.NONE: self.settings.vector_min_score,
            Fallback.RELAXED: self.settings.vector_min_score,
            Fallback.VECTOR_ONLY: self.settings.vector_fallback_min_score,
        }
        for stage, floor in floors.items():
            found = self.retrieve(q, filters, limit, stage=stage, vector_floor=floor)
            if found:
                return stage, found
        return Fallback.SUGGESTIONS, []

    def _suggestions(self, q: AnalyzedQuery) -> list[str]:
        if self.suggester is None:
            return []
        seen = dict.fromkeys(
            s.text for word in (q.text, *q.words) for s in self.suggester.suggest(word, 8)
        )
        return list(seen)[:8]
