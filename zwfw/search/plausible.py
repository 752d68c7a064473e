"""Is anything in the catalogue plausibly what the citizen means, or are the candidates noise?

Retrieval always returns something: "我要开个小饭馆" gets 小水电站 and 星级饭店名录发布 when the
catalogue has no catering licence. Three pieces of evidence tell a real match from noise:
the best e5 cosine among the candidates, whether the lexical and the vector retriever agree
on what comes first, and how much of the best candidate title's character bigrams the
message contains. Candidates are weak when all three are low.

Calibrated on the real Guangdong catalogue (items_dev queries as in scope, random citizen
messages from citizen_messages_labeled.jsonl as mostly out of scope); 2-fold checks are in
docs/chat.md. With these bars no in-scope query of items_dev is called weak (a query called
weak by mistake still gets the nearest items as cards) against 61 % of the citizen messages.
"""

from __future__ import annotations

from zwfw.core.records import Item
from zwfw.models import base_name, normalize
from zwfw.search.results import Candidate

WEAK_COSINE = 0.90  # e5-small cosines are compressed: in-scope p10 0.899, out-of-scope p50 0.887
WEAK_COVERAGE = 0.30  # share of a title's bigrams in the message; in-scope p50 0.50
_TITLES = 5
_NEAR, _FAR = 3, 10**6


def weak(found: list[Candidate], text: str) -> bool:
    """True when no item candidate is plausibly what `text` asks for (see module doc)."""
    return weak_records([c for c in found if isinstance(c.record, Item)], text)


def noise(found: list[Candidate], query: str, loose: bool = False) -> bool:
    """`/v1/search`'s test of filtered results (see `SearchService._with_fallbacks`): weak
    by the test above, over candidates of any kind, and no top title holding most of the
    query (a keyword query, 公积金, covers little of 住房公积金个人住房贷款's bigrams, but
    the title holds all of the query's).

    `loose`: the lexical ranks come from a relaxed match (one shared character) or there
    are none, so the retrievers' agreement is no evidence: in a region's small pool a
    single-character match and the encoder pick the same noise by chance (公积金提取 in 广州,
    whose catalogue has no 公积金 item: 海域使用金减免审批 first for both, by 金)."""
    held = max((coverage(query, c.record.title) for c in found[:_TITLES]), default=0.0)
    return weak_records(found, query, agreement=not loose) and held < WEAK_COVERAGE


def weak_records(items: list[Candidate], text: str, agreement: bool = True) -> bool:
    """The test of `weak` over candidates of any kind, by their titles; without
    `agreement`, the retrievers' ranks are not consulted (see `noise`)."""
    if not items:
        return True
    cosine = max(c.vector_score for c in items)
    lexical = min((c for c in items if c.lexical_rank), key=_lex, default=None)
    vector = min((c for c in items if c.vector_rank), key=_vec, default=None)
    # Agreement, loosely: each retriever's first is among the other's first three, or their
    # first fives share two items ("社保卡": 社会保障卡补换 first by its synonym, fourth by
    # meaning, but four of the first five in common).
    near = (
        lexical is not None
        and vector is not None
        and (lexical.vector_rank or _FAR) <= _NEAR
        and (vector.lexical_rank or _FAR) <= _NEAR
    )
    both = [c for c in items if (c.lexical_rank or _FAR) <= 5 and (c.vector_rank or _FAR) <= 5]
    agree = agreement and (near or len(both) >= 2)
    covered = max(coverage(c.record.title, text) for c in items[:_TITLES])
    return cosine < WEAK_COSINE and not agree and covered < WEAK_COVERAGE


def _lex(c: Candidate) -> int:
    return c.lexical_rank or 0


def _vec(c: Candidate) -> int:
    return c.vector_rank or 0


def coverage(title: str, text: str) -> float:
    """Share of the title's character bigrams (bracketed qualifiers dropped) in `text`."""
    base, said = base_name(title), normalize(text)
    grams = {base[i : i + 2] for i in range(len(base) - 1)}
    return sum(g in said for g in grams) / len(grams) if grams else 0.0
