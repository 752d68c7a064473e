"""Hybrid search: lexical and vector candidates fused by RRF, filtered, faceted, highlighted."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import Record, doc_key
from zwfw.core.settings import SearchSettings
from zwfw.models import Segmenter, has_content, normalize
from zwfw.models.encoders import Encoder
from zwfw.search.docstore import vid_range
from zwfw.search.evidence import Lists
from zwfw.search.filters import SearchFilters
from zwfw.search.fusion import FusionModel, rrf
from zwfw.search.plausible import noise
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


# A correction is checked against the titles of this many top lexical hits of the corrected query.
CORRECTION_EVIDENCE = 10
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def _connected(corrected: str, typed: str, titles: set[str]) -> bool:
    """True when a title spells the corrected characters together with two characters of
    the query around them (设保卡 → 社保卡: some title holds 社保卡). A correction that only
    makes a catalogue word of an unknown name (幸运星网吧: 运星 → 运行) connects with
    nothing around it (no title holds 幸运行, 运行网 or 行网吧), so it is suggested, not
    applied. Without such neighbours there is nothing to check and the correction stands."""
    if len(corrected) != len(typed):
        return True
    changed = [i for i, (a, b) in enumerate(zip(corrected, typed, strict=True)) if a != b]
    if not changed:
        return True
    lo, hi = changed[0], changed[-1] + 1
    # Every run of three or more hanzi that holds the changed characters and two around them.
    spans = [
        corrected[start : start + width]
        for width in (hi - lo + 2,)
        for start in range(lo - 2, lo + 1)
        if start >= 0 and _HAN_RUN.fullmatch(corrected[start : start + width] or "-")
        and start + width <= len(corrected)
    ]  # fmt: skip
    return not spans or any(span in title for span in spans for title in titles)


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


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
        fusion: FusionModel | None = None,
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
        # The learned fusion (search.fusion); without one, weighted RRF with fixed boosts.
        self.fusion = fusion

    def analyze(self, raw: str) -> AnalyzedQuery:
        if not has_content(raw):
            raise InvalidQuery("the query is empty (it has no letter, digit or hanzi)")
        if len(raw) > self.settings.max_query_chars:
            raise InvalidQuery(
                f"the query is longer than {self.settings.max_query_chars} characters"
            )
        synonyms = self.synonyms() if self.synonyms else None
        q = analyze_query(raw, self.segmenter, self.vocab, synonyms)
        if q.corrected_query is not None:
            as_typed = analyze_query(raw, self.segmenter, self.vocab, synonyms, correct=False)
            if _connected(q.text, as_typed.text, self._titles(q)):
                return q
            q = as_typed
        if q.did_you_mean is not None:
            # A suggestion needs the same support as an applied correction: unsupported ones
            # garbled colloquial sentences (我想问一下户口怎么迁 → "我想问一销户口怎么迁？").
            offered = analyze_query(q.did_you_mean, self.segmenter, None, synonyms)
            if not _connected(offered.text, q.text, self._titles(offered)):
                q = dataclasses.replace(q, did_you_mean=None)
        return q

    def _titles(self, q: AnalyzedQuery) -> set[str]:
        # Only titles are read: the body clauses would cost 10–20 ms at 1M items for nothing
        # (the same corrections on items_dev, hunan_dev and 300 citizen queries).
        query = lexical_query(q, {}, CORRECTION_EVIDENCE, titles_only=True)
        hits = self.index.lexical.search(query)
        return {normalize(r.title) for r in self.index.docs.get([h.key for h in hits]).values()}

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
        lex, vec_all = self.lists(q, filters, limit, stage)
        lexical_keys = {k for k, _ in lex}
        vec = [(k, s, r) for k, s, r in vec_all if k in lexical_keys or s >= vector_floor]
        records = {key: record for key, _, record in vec}  # vector hits are already loaded
        records.update(self.index.docs.get([k for k, _ in lex if k not in records]))
        titles = {k: normalize(r.title) for k, r in records.items()}
        use_learned = weights is None and self.fusion is not None
        if use_learned:
            assert self.fusion is not None
            evidence = Lists(lex, [(k, s) for k, s, _ in vec_all])
            learned = self.fusion.scores(q, evidence, titles)
            # Callers tuned on RRF's scores (navigation weighs candidates by score ratios)
            # keep their distribution: RRF's scores, best first, dealt out in learned order.
            plain = rrf([([k for k, _ in lex], 1.0), ([k for k, _, _ in vec_all], 1.0)])
            shape = sorted((plain.get(k, 0.0) for k in learned), reverse=True)
            order = sorted(learned, key=lambda k: -learned[k])
            fused = dict(zip(order, shape, strict=True))
        else:
            lex_w, vec_w = weights or (self.settings.lexical_weight, self.settings.vector_weight)
            fused = rrf(
                [([k for k, _ in lex], lex_w), ([k for k, _, _ in vec], vec_w)],
                k=self.settings.rrf_k,
            )
        allowed = lexical_keys | {k for k, _, _ in vec}
        out = {
            key: Candidate(key, records[key], score)
            for key, score in fused.items()
            if key in records and key in allowed
        }
        for rank, (key, score) in enumerate(lex, start=1):
            if key in out:
                out[key].lexical_rank, out[key].lexical_score = rank, score
        for rank, (key, score, _) in enumerate(vec_all, start=1):
            if key in out:
                out[key].vector_rank, out[key].vector_score = rank, score
        if use_learned:
            return self._prefer(q, sorted(out.values(), key=lambda c: -c.fused))
        progress = PROGRESS_INTENT.search(q.text) is not None
        for c in out.values():
            if not progress and PROGRESS_ITEM.search(c.record.title):
                c.fused *= PROGRESS_DEMOTION
            if _named_in(c.record.title, q.text):
                c.fused *= NAMED_BOOST
        return self._prefer(q, sorted(out.values(), key=lambda c: -c.fused))

    def _prefer(self, q: AnalyzedQuery, ranked: list[Candidate]) -> list[Candidate]:
        prefs = q.preferences
        if prefs.empty:
            return ranked
        scores = [c.fused for c in ranked]
        result = [ranked[i] for i in reorder([c.record for c in ranked], prefs)]
        for candidate, score in zip(result, scores, strict=True):
            candidate.fused = score  # scores stay monotonic in the shown order
        return result

    def lists(
        self, q: AnalyzedQuery, filters: SearchFilters, limit: int, stage: Fallback = Fallback.NONE
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float, Record]]]:
        """Each retriever's own answer, best first: lexical (key, score) and vector (key,
        cosine, record). The dense side sees the rewritten query (pinyin turned to hanzi)."""
        lex: list[tuple[str, float]] = []
        if stage is not Fallback.VECTOR_ONLY:
            relaxed = stage is Fallback.RELAXED
            query = lexical_query(q, filters.lexical(), limit, relaxed)
            lex = [(h.key, h.score) for h in self.index.lexical.search(query)]
        return lex, self._vector(q, filters, limit)

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
        lower bar; and last, suggestions and the hotline.

        A filter can remove every real match and leave noise that shares one bigram with a
        synonym (护照 in 北京: 普通人应该如何预防禽流感 by 普通护照's 普通). Filtered results
        that are noise (`plausible.noise`: low cosine, retrievers disagree, no title in
        the query nor the query in a title) are not shown as matches: the next stage
        answers, labelled as such. In the relaxed and vector-only stages the retrievers'
        agreement is no evidence, and noise there ends in suggestions and the hotline:
        公积金提取 in 广州 (no 公积金 item in its catalogue) got 海域使用金减免审批."""
        floors = {
            Fallback.NONE: self.settings.vector_min_score,
            Fallback.RELAXED: self.settings.vector_min_score,
            Fallback.VECTOR_ONLY: self.settings.vector_fallback_min_score,
        }
        for stage, floor in floors.items():
            found = self.retrieve(q, filters, limit, stage=stage, vector_floor=floor)
            # A relaxed or vector-only match is no agreement of the retrievers (see noise).
            loose = stage is not Fallback.NONE
            weak = filters.narrows_beyond_kind and noise(found, q.text, loose)
            if found and not weak:
                return stage, found
        return Fallback.SUGGESTIONS, []

    def _suggestions(self, q: AnalyzedQuery) -> list[str]:
        if self.suggester is None:
            return []
        seen = dict.fromkeys(
            s.text for word in (q.text, *q.words) for s in self.suggester.suggest(word, 8)
        )
        return list(seen)[:8]
