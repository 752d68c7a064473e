"""Is the top entry about a narrower case than a generic question, among siblings that fit?

公积金怎么提取 matched 退休人员如何提取公积金？ with high confidence: every word of the question
is in the entry's, but the entry adds who it is for (退休人员), and the next entries
(如何变更住房公积金提取日期？) fit the question just as well. Answering would give a retiree's
rules to whoever asked; the citizen should choose. The test reads words only, no list of
audiences: the question's content words (two characters or more, not what it asks for:
怎么, 多少 …) all occur in the top entry's question, which has content words the question
lacks (a place name does not narrow: it says where, which `foreign_region` weighs), and
another of the first candidates with a different answer also holds all of them. A question
typed as in the FAQ never qualifies (the entry adds nothing).

Over faq_dev no answered question qualifies (answered-right unchanged); docs/qa.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from zwfw.core.regions import find_in_text
from zwfw.models import normalize
from zwfw.qa.features import SAME_ANSWER, WordsOf, _answer_overlap, asks
from zwfw.qa.rerank import Scored
from zwfw.search import AnalyzedQuery

_SIBLINGS = 2  # candidates after the top that may fit the question as well


def narrower(q: AnalyzedQuery, scored: Sequence[Scored], words_of: WordsOf) -> bool:
    """True when the top entry is a narrower case of the question, and a sibling fits too."""
    words = _content(q.words)
    if not words or not scored:
        return False
    top = scored[0].candidate.record
    title = normalize(top.title)
    if not all(w in title for w in words):
        return False
    said = normalize(q.text)
    extra = [w for w in _content(words_of(top.title)) if w not in said and not find_in_text(w)]
    if not extra:
        return False
    siblings = [
        s.candidate.record
        for s in scored[1 : 1 + _SIBLINGS]
        if _answer_overlap(top, s.candidate.record) < SAME_ANSWER
    ]
    return any(all(w in normalize(r.title) for w in words) for r in siblings)


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if len(w) >= 2 and not asks(w)]
