"""The evidence the answer classifier reads: one vector per question, about its top candidate.

Every feature is computed from the retrievers' scores and the question and candidate texts,
never from lists of topic words, so a new FAQ catalogue needs no edits here. The names are
stored with the fitted coefficients; a model fitted on other features refuses to load.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from zwfw.core.records import Faq
from zwfw.core.regions import find_in_text, within
from zwfw.models import char_grams, normalize
from zwfw.qa.rerank import Scored
from zwfw.search import AnalyzedQuery

# Entries whose answers share this much of their character bigrams say the same thing: a
# near-duplicate runner-up is no reason to hesitate.
SAME_ANSWER = 0.6
_CONTEXT = 10  # candidates whose questions count as "what the catalogue knows" for a query
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+(?=[个年月日天岁周次元%])")
# What a question asks for (how much, when, where, whether, how, which): a candidate asking
# something else about the same subject is a different question (多少钱 against an entry on
# 材料). Grammar, not topic words.
_ASKS = {
    "amount": re.compile("多少|几[个年月天岁次项]|多久|多长|比例|标准|金额|费用"),
    "when": re.compile("什么时候|何时|几时|时间|哪天|期限"),
    "where": re.compile("哪里|哪儿|在哪|何处|地点|地址|去哪"),
    "whether": re.compile("能否|可否|是否|能不能|可不可以|可以吗|能.*吗|吗[?？]?$"),
    "how": re.compile("怎么|如何|怎样|流程|步骤|程序|办理"),
    "documents": re.compile("材料|证件|证明|手续|带什么|提交什么|提供什么"),
    "conditions": re.compile("条件|资格|符合|要求"),
}

NAMES: tuple[str, ...] = (
    "cosine",  # e5 cosine of the question with the top candidate
    "cosine_lead",  # its e5 lead over the best candidate with a different answer
    "second",  # second encoder's cosine with the top candidate
    "second_lead",  # its lead, same way
    "score_lead",  # blended second-stage score: top minus best different-answer candidate
    "vector_first",  # the vector retriever ranked the top candidate first
    "lexical_first",  # the lexical retriever ranked it first
    "lexical_inv_rank",  # 1 / its lexical rank (0 when lexical did not find it)
    "lexical_share",  # its lexical score over the best lexical score among candidates
    "coverage",  # share of the question's words in the candidate's question
    "back_coverage",  # share of the candidate question's words in the question
    "gram_jaccard",  # character-bigram Jaccard of the two questions
    "unknown_words",  # share of the question's words in none of the top candidates
    "log_length",  # log of the question's length in characters
    "length_ratio",  # log of question length over candidate question length
    "number_mismatch",  # the question names a number the candidate question does not
    "asks_other",  # the two ask for different things (amount / when / where / whether / how)
    "foreign_region",  # the question names a region outside the catalogue's own
    "same_answer_runner_up",  # the runner-up says the same as the top (near-duplicates)
    "cosine_margin",  # its e5 lead over the runner-up, whatever that says
    "answer_coverage",  # share of the question's words in the candidate's question or answer
    "answer_gram_coverage",  # share of the question's character bigrams found there
    "match_log",  # log of the pair matcher's probability that the top answers the question
    "match_lead",  # that probability minus the best other candidate's
)


@dataclass(frozen=True)
class Context:
    """What the features need besides the candidates: the catalogue's home regions."""

    home_regions: tuple[str, ...] = ()


def featurize(
    q: AnalyzedQuery,
    scored: Sequence[Scored],
    words_of: WordsOf,
    ctx: Context,
    judged: np.ndarray | None = None,
) -> np.ndarray:
    """The feature vector (in `NAMES` order) of the top of `scored`, which must not be empty.
    `judged`: the pair matcher's probabilities for the head of `scored` (None: no matcher,
    the `match_*` features are 0)."""
    top = scored[0].candidate
    rival = next(
        (s for s in scored[1:] if _answer_overlap(top.record, s.candidate.record) < SAME_ANSWER),
        None,
    )
    words = [w for w in q.words if len(w) >= 2] or list(q.words)
    title = normalize(top.record.title)
    title_words = [w for w in words_of(top.record.title) if len(w) >= 2]
    context = "".join(normalize(s.candidate.record.title) for s in scored[:_CONTEXT])
    best_lexical = max((s.candidate.lexical_score for s in scored), default=0.0)
    runner = scored[1].candidate.record if len(scored) > 1 else None
    entry = normalize(f"{top.record.title} {getattr(top.record, 'answer', '')}")
    query_grams = grams(q.text)
    match_log, match_lead = summary(judged) if judged is not None else (0.0, 0.0)
    values = {
        "cosine": top.vector_score,
        "cosine_lead": top.vector_score - (rival.candidate.vector_score if rival else 0.0),
        "second": scored[0].second,
        "second_lead": scored[0].second - (rival.second if rival else 0.0),
        "score_lead": scored[0].score - (rival.score if rival else scored[0].score - 3.0),
        "vector_first": float(top.vector_rank == 1),
        "lexical_first": float(top.lexical_rank == 1),
        "lexical_inv_rank": 1.0 / top.lexical_rank if top.lexical_rank else 0.0,
        "lexical_share": top.lexical_score / best_lexical if best_lexical > 0 else 0.0,
        "coverage": share(words, title),
        "back_coverage": share(title_words, q.text),
        "gram_jaccard": _jaccard(grams(q.text), grams(title)),
        "unknown_words": 1.0 - share(words, context),
        "log_length": math.log1p(len(q.text)),
        "length_ratio": math.log((len(q.text) + 1) / (len(title) + 1)),
        "number_mismatch": float(bool(numbers(q.text) - numbers(title))),
        "asks_other": float(bool(asks(q.text)) and not asks(q.text) & asks(title)),
        "foreign_region": _foreign(q, (*ctx.home_regions, *_own_regions(top.record))),
        "same_answer_runner_up": float(
            runner is not None and _answer_overlap(top.record, runner) >= SAME_ANSWER
        ),
        "cosine_margin": top.vector_score
        - max((s.candidate.vector_score for s in scored[1:]), default=top.vector_score - 0.1),
        "answer_coverage": share(words, entry),
        "answer_gram_coverage": len(query_grams & grams(entry)) / max(1, len(query_grams)),
        "match_log": match_log,
        "match_lead": match_lead,
    }
    return np.array([values[name] for name in NAMES], dtype=np.float64)


def summary(probs: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """What the classifier reads: log probability of the top candidate, and its lead over the
    best other candidate (no other: the lead is the probability itself)."""
    p = np.asarray(probs, dtype=np.float64)
    if not len(p):
        return float(np.log(1e-4)), 0.0
    rival = float(p[1:].max()) if len(p) > 1 else 0.0
    return float(np.log(p[0] + 1e-4)), float(p[0] - rival)


class WordsOf:
    """Segmented words of candidate questions, cached: the same entries come up again and again."""

    def __init__(self, segment: Callable[[str], Sequence[str]], limit: int = 20_000) -> None:
        self._segment, self._limit = segment, limit
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        found = self._cache.get(text)
        if found is None:
            if len(self._cache) > self._limit:
                self._cache.clear()
            found = self._cache[text] = tuple(self._segment(normalize(text)))
        return found


def share(words: Sequence[str], text: str) -> float:
    return sum(w in text for w in words) / len(words) if words else 0.0


def numbers(text: str) -> set[str]:
    """The numbers a text names (digits, or Chinese numerals before a unit)."""
    return set(_NUMBER.findall(text))


def grams(text: str) -> set[str]:
    return {g for g in char_grams(text) if len(g) == 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _answer_overlap(a: object, b: object) -> float:
    if not (isinstance(a, Faq) and isinstance(b, Faq)):
        return 0.0
    if a.answer == b.answer:
        return 1.0
    return _jaccard(grams(normalize(a.answer[:300])), grams(normalize(b.answer[:300])))


def asks(text: str) -> set[str]:
    return {kind for kind, rx in _ASKS.items() if rx.search(text)}


def _own_regions(record: object) -> tuple[str, ...]:
    """The regions an entry itself is about: its `region_code` and a place its question
    names. An administrator's 广州市居住证怎么续签？ in a Beijing-born catalogue is about
    Guangzhou, so a question naming Guangzhou is not foreign to it."""
    code = getattr(record, "region_code", None)
    named = find_in_text(normalize(getattr(record, "title", "")))
    return tuple(r for r in (code, named) if r)


def _foreign(q: AnalyzedQuery, home: Sequence[str]) -> float:
    region = q.preferences.region
    if not region or not home:
        return 0.0
    related = any(within(region, h) or within(h, region) for h in home)
    return 0.0 if related else 1.0
