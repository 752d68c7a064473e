"""What the learned fusion sees: features of the query and of both result lists, per candidate.

Every feature is a property of the query's shape (length, how much of it is romanised,
whether it was rewritten) or of the evidence the two retrievers produced (ranks, score
margins, their agreement, how much of the query a title covers). None names a word, an item
or a catalogue, so a model fitted on one catalogue applies to another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zwfw.models import normalize
from zwfw.search.query import AnalyzedQuery

_HAN = re.compile(r"[\u3400-\u9fff]")
TOP_FAMILY = 10  # the top of each list whose titles say which base service they vary
_LATIN = re.compile(r"[a-z]")

# Query-level features: each candidate feature is also taken times each of these, so the
# weight of (say) the dense rank can depend on how long or how romanised the query is.
QUERY_FEATURES = (
    "length", "latin", "rewritten", "agreement", "vec_margin", "lex_margin", "best_cover",
)  # fmt: skip
CANDIDATE_FEATURES = (
    "lex_rr", "lex_norm", "in_lex", "vec_rr", "vec_norm", "in_vec", "best_rr", "both_rr",
    "cover_query", "cover_title", "cover_bigrams", "cover_rare", "named", "via_synonym", "base_of",
)  # fmt: skip
NAMES = (
    *CANDIDATE_FEATURES,
    *QUERY_FEATURES,
    *(f"{c}*{q}" for c in CANDIDATE_FEATURES for q in QUERY_FEATURES),
)


@dataclass(frozen=True)
class Lists:
    """The two retrievers' answers for one query, best first: (key, score) pairs."""

    lexical: Sequence[tuple[str, float]]
    vector: Sequence[tuple[str, float]]


def query_features(q: AnalyzedQuery, lists: Lists, best_cover: float) -> np.ndarray:
    """The query's shape and how its two lists look. Scores are rescaled within each list
    (a margin is a share of the list's own spread), so a thin catalogue's compressed cosines
    read the same as a rich one's. `best_cover` is how much of the query the best-matching
    title of either top 5 covers: low means neither list found a title that says what was
    asked (a colloquial sentence), high means a name was typed."""
    typed = normalize(q.raw).replace(" ", "")
    han = len(_HAN.findall(q.text))
    latin = len(_LATIN.findall(typed)) / max(1, len(typed))
    lex, vec = lists.lexical, lists.vector
    top_l = {k for k, _ in lex[:5]}
    top_v = {k for k, _ in vec[:5]}
    agreement = len(top_l & top_v) / 5
    rewritten = float(normalize(q.raw) != q.text)
    return np.array(
        [min(han, 40) / 40, latin, rewritten, agreement, _margin(vec), _margin(lex), best_cover],
        dtype=np.float32,
    )


def _margin(ranked: Sequence[tuple[str, float]]) -> float:
    """(s1 − s2) as a share of the list's spread (s1 − s_last); 1 for a single hit, 0 for none."""
    if len(ranked) < 2:
        return float(bool(ranked))
    spread = ranked[0][1] - ranked[-1][1]
    return (ranked[0][1] - ranked[1][1]) / spread if spread > 0 else 0.0


def evidence(
    q: AnalyzedQuery, lists: Lists, titles: Mapping[str, str]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Keys of the union of both lists (lexical order first), their candidate rows, and the
    query's row."""
    lex_rank = {k: (i, s) for i, (k, s) in enumerate(lists.lexical, start=1)}
    vec_rank = {k: (i, s) for i, (k, s) in enumerate(lists.vector, start=1)}
    keys = list(dict.fromkeys([*lex_rank, *vec_rank]))
    top_lex = lists.lexical[0][1] if lists.lexical and lists.lexical[0][1] > 0 else 1.0
    top_vec = lists.vector[0][1] if lists.vector else 0.0
    floor_vec = lists.vector[-1][1] if lists.vector else 0.0
    spread_vec = top_vec - floor_vec if top_vec > floor_vec else 1.0
    lr, ls = np.array([lex_rank.get(k, (0, 0.0)) for k in keys], dtype=np.float32).T.reshape(2, -1)
    vr, vs = np.array([vec_rank.get(k, (0, floor_vec)) for k in keys], dtype=np.float32).T.reshape(
        2, -1
    )
    query_chars = frozenset(_HAN.findall(q.text))
    query_bigrams = frozenset(_bigrams(q.text))
    title_list = [titles.get(k, "") for k in keys]
    shapes = [_shape(t) for t in title_list]
    shared = np.array([len(query_chars & c) for c, _ in shapes], dtype=np.float32)
    title_size = np.array([max(1, len(c)) for c, _ in shapes], dtype=np.float32)
    bigrams = np.array([len(query_bigrams & b) for _, b in shapes], dtype=np.float32)
    in_lex, in_vec = (lr > 0).astype(np.float32), (vr > 0).astype(np.float32)
    with np.errstate(divide="ignore"):
        lex_rr = np.where(in_lex > 0, 1 / np.sqrt(lr), 0.0)
        vec_rr = np.where(in_vec > 0, 1 / np.sqrt(vr), 0.0)
    cover_bigrams = bigrams / len(query_bigrams) if query_bigrams else np.zeros(len(keys))
    cover_rare = _rare_cover(query_bigrams, [b for _, b in shapes])
    rows = np.column_stack(
        [
            lex_rr,
            ls / top_lex,
            in_lex,
            vec_rr,
            (vs - floor_vec) / spread_vec,
            in_vec,
            # Where the candidate stands in the list that ranks it higher, and in the one
            # that ranks it lower: a title deep in both lists is a stray, however its
            # characters happen to overlap the query.
            np.maximum(lex_rr, vec_rr),
            np.minimum(lex_rr, vec_rr),
            shared / max(1, len(query_chars)) if query_chars else np.zeros(len(keys)),
            shared / title_size,
            cover_bigrams,
            cover_rare,
            [float(len(t) >= 3 and t in q.text) for t in title_list],
            # The lexical match came through an administrator's synonym: the title holds a
            # term the query was expanded with, which the typed text need not share a
            # character with ("ecard" → 电子社保卡).
            [float(any(e in t for e in q.expansions)) for t in title_list],
            _base_of(title_list, lr, vr),
        ]
    ).astype(np.float32)
    top = ((lr > 0) & (lr <= 5)) | ((vr > 0) & (vr <= 5))
    best_cover = float(cover_bigrams[top].max()) if top.any() else 0.0
    return keys, rows, query_features(q, lists, best_cover)


def feature_matrix(
    q: AnalyzedQuery, lists: Lists, titles: Mapping[str, str]
) -> tuple[list[str], np.ndarray]:
    """Keys and the full rows the model scores: candidate, query and their products."""
    keys, cand, query = evidence(q, lists, titles)
    inter = (cand[:, :, None] * query[None, None, :]).reshape(len(keys), -1)
    full = np.hstack([cand, np.broadcast_to(query, (len(keys), len(query))), inter])
    return keys, full.astype(np.float32)


def _base_of(titles: Sequence[str], lex_rank: np.ndarray, vec_rank: np.ndarray) -> np.ndarray:
    """How many of the lists' top titles extend this one (办理往来港澳通行证 inside
    换发往来港澳通行证进度查询, 办理往来港澳通行证逗留签注…), up to 5, as a share: the
    base service that the variants around the top are named after. Read from the lists'
    own titles, so it needs nothing from the catalogue beyond its names."""
    top = [t for t, a, b in zip(titles, lex_rank, vec_rank, strict=True)
           if 0 < a <= TOP_FAMILY or 0 < b <= TOP_FAMILY]  # fmt: skip
    return np.array(
        [min(5, sum(len(o) > len(t) and t in o for o in top)) / 5 if len(t) >= 3 else 0.0
         for t in titles],
        dtype=np.float32,
    )  # fmt: skip


def _rare_cover(query: frozenset[str], titles: Sequence[frozenset[str]]) -> np.ndarray:
    """Share of the query's bigrams a title holds, each weighted by how rare it is among
    this query's candidate titles (an idf taken over the list, not the catalogue, so it reads
    the same on a thin catalogue): 河长名单 matched on 河长 counts more than a title matched
    on the 名单查询 that many candidates share."""
    if not query or not titles:
        return np.zeros(len(titles), dtype=np.float32)
    grams = sorted(query)
    held = np.array([[g in t for g in grams] for t in titles], dtype=np.float32)
    weight = np.log((len(titles) + 1) / (held.sum(axis=0) + 0.5))
    return np.asarray(held @ weight / max(float(weight.sum()), 1e-6), dtype=np.float32)


@lru_cache(maxsize=65_536)
def _shape(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """A title's hanzi and hanzi bigrams, cached: the same titles recur across queries."""
    return frozenset(_HAN.findall(title)), frozenset(_bigrams(title))


def _bigrams(text: str) -> set[str]:
    han = "".join(_HAN.findall(text))
    return {han[i : i + 2] for i in range(len(han) - 1)}
