"""Evidence about one (question, candidate) pair, for the learned second stage (`qa/ranker.py`).

Each row describes how well one of the top candidates matches the question: both encoders'
cosines, raw and relative to the best of the list (so a list where everything is close
reads differently from one with a clear winner), the retrievers' ranks, word and character
overlap in both directions, and whether both ask the same kind of thing (how much / when /
where / whether / how / what documents). No topic words: a new catalogue needs no edits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from zwfw.models import normalize
from zwfw.qa.features import WordsOf, asks, grams, numbers, share
from zwfw.qa.rerank import Scored
from zwfw.search import AnalyzedQuery

PAIR_NAMES: tuple[str, ...] = (
    "cosine",  # e5 cosine of question and candidate question
    "cosine_gap",  # minus the best e5 cosine in the list (0 for the best)
    "second",  # USE cosine
    "second_gap",  # minus the best USE cosine in the list
    "blend_inv_rank",  # 1 / rank by the blended e5 + USE score
    "lexical_inv_rank",  # 1 / BM25 rank (0 when BM25 did not find it)
    "lexical_share",  # BM25 score over the list's best
    "coverage",  # share of the question's words in the candidate question
    "back_coverage",  # share of the candidate question's words in the question
    "gram_coverage",  # share of the question's character bigrams in the candidate question
    "gram_jaccard",  # character-bigram Jaccard of the two questions
    "answer_gram_coverage",  # share of the question's bigrams in the candidate's question + answer
    "asks_same",  # both ask for the same kind of thing
    "asks_other",  # both ask for something, but not the same kind
    "number_mismatch",  # the question names a number the candidate question does not
    "length_gap",  # |log length ratio| of the two questions
)


def pair_features(q: AnalyzedQuery, scored: Sequence[Scored], words_of: WordsOf) -> np.ndarray:
    """One row per candidate of `scored` (in `PAIR_NAMES` order)."""
    if not scored:
        return np.zeros((0, len(PAIR_NAMES)))
    words = [w for w in q.words if len(w) >= 2] or list(q.words)
    q_grams, q_asks, q_numbers = grams(q.text), asks(q.text), numbers(q.text)
    best_cos = max(s.candidate.vector_score for s in scored)
    best_second = max(s.second for s in scored)
    best_lexical = max(s.candidate.lexical_score for s in scored)
    rows = []
    for rank, s in enumerate(scored, start=1):
        c = s.candidate
        title = normalize(c.record.title)
        t_grams, t_asks = grams(title), asks(title)
        title_words = [w for w in words_of(c.record.title) if len(w) >= 2]
        entry = grams(normalize(f"{c.record.title} {getattr(c.record, 'answer', '')[:300]}"))
        union = q_grams | t_grams
        rows.append(
            (
                c.vector_score,
                c.vector_score - best_cos,
                s.second,
                s.second - best_second,
                1.0 / rank,
                1.0 / c.lexical_rank if c.lexical_rank else 0.0,
                c.lexical_score / best_lexical if best_lexical > 0 else 0.0,
                share(words, title),
                share(title_words, q.text),
                len(q_grams & t_grams) / max(1, len(q_grams)),
                len(q_grams & t_grams) / len(union) if union else 0.0,
                len(q_grams & entry) / max(1, len(q_grams)),
                float(bool(q_asks & t_asks)),
                float(bool(q_asks) and bool(t_asks) and not q_asks & t_asks),
                float(bool(q_numbers - numbers(title))),
                abs(math.log((len(q.text) + 1) / (len(title) + 1))),
            )
        )
    return np.asarray(rows, dtype=np.float64)
