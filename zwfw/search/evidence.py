"""What the learned fusion sees: features of the query and of both result lists, per candidate.

Every feature is a property of the query's shape (length, how much of it is romanised,
whether it was rewritten) or of the evidence the two retrievers produced (ranks, score
margins, their agreement, how much of the query a title covers). None names a word, an item
or a catalogue, so a model fitted on one catalogue applies to another.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from zwfw.models import normalize
from zwfw.search.query import AnalyzedQuery

_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")

# Query-level features: each candidate feature is also taken times each of these, so the
# weight of (say) the dense rank can depend on how long or how romanised the query is.
QUERY_FEATURES = ("length", "latin", "rewritten", "agreement", "vec_margin", "lex_margin")
CANDIDATE_FEATURES = (
    "rrf", "lex_rr", "lex_norm", "in_lex", "vec_rr", "vec_gap", "in_vec",
    "cover_query", "cover_title", "cover_bigrams", "named",
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


def query_features(q: AnalyzedQuery, lists: Lists) -> np.ndarray:
    typed = normalize(q.raw).replace(" ", "")
    han = len(_HAN.findall(q.text))
    latin = len(_LATIN.findall(typed)) / max(1, len(typed))
    lex, vec = lists.lexical, lists.vector
    top_l = {k for k, _ in lex[:5]}
    top_v = {k for k, _ in vec[:5]}
    agreement = len(top_l & top_v) / 5
    if len(vec) >= 2:
        vec_margin = min(1.0, (vec[0][1] - vec[1][1]) * 20)
    else:
        vec_margin = 1.0 if vec else 0.0
    if len(lex) >= 2 and lex[0][1] > 0:
        lex_margin = (lex[0][1] - lex[1][1]) / lex[0][1]
    else:
        lex_margin = 1.0 if lex else 0.0
    rewritten = float(normalize(q.raw) != q.text)
    return np.array(
        [min(han, 40) / 40, latin, rewritten, agreement, vec_margin, lex_margin], dtype=np.float32
    )


def candidate_matrix(
    q: AnalyzedQuery, lists: Lists, titles: Mapping[str, str]
) -> tuple[list[str], np.ndarray]:
    """Keys of the union of both lists (lexical order first) and their feature rows."""
    lex_rank = {k: (i, s) for i, (k, s) in enumerate(lists.lexical, start=1)}
    vec_rank = {k: (i, s) for i, (k, s) in enumerate(lists.vector, start=1)}
    keys = list(dict.fromkeys([*lex_rank, *vec_rank]))
    top_lex = lists.lexical[0][1] if lists.lexical else 1.0
    top_vec = lists.vector[0][1] if lists.vector else 0.0
    floor_vec = lists.vector[-1][1] if lists.vector else 0.0
    query_chars = set(_HAN.findall(q.text))
    query_bigrams = _bigrams(q.text)
    rows = np.zeros((len(keys), len(CANDIDATE_FEATURES)), dtype=np.float32)
    for row, key in enumerate(keys):
        title = titles.get(key, "")
        lr, ls = lex_rank.get(key, (0, 0.0))
        vr, vs = vec_rank.get(key, (0, floor_vec))
        title_chars, title_bigrams = _shape(title)
        shared = len(query_chars & title_chars)
        rows[row] = (
            30 * ((1 / (60 + lr) if lr else 0.0) + (1 / (60 + vr) if vr else 0.0)),
            1 / math.sqrt(lr) if lr else 0.0,
            ls / top_lex if top_lex > 0 else 0.0,
            float(lr > 0),
            1 / math.sqrt(vr) if vr else 0.0,
            min(1.0, (top_vec - vs) * 10),
            float(vr > 0),
            shared / len(query_chars) if query_chars else 0.0,
            shared / len(title_chars) if title_chars else 0.0,
            len(query_bigrams & title_bigrams) / len(query_bigrams) if query_bigrams else 0.0,
            float(len(title) >= 3 and title in q.text),
        )
    return keys, rows


def feature_matrix(
    q: AnalyzedQuery, lists: Lists, titles: Mapping[str, str]
) -> tuple[list[str], np.ndarray]:
    """Keys and the full rows the model scores: candidate, query and their products."""
    keys, cand = candidate_matrix(q, lists, titles)
    query = query_features(q, lists)
    inter = (cand[:, :, None] * query[None, None, :]).reshape(len(keys), -1)
    full = np.hstack([cand, np.broadcast_to(query, (len(keys), len(query))), inter])
    return keys, full.astype(np.float32)


@lru_cache(maxsize=65_536)
def _shape(title: str) -> tuple[frozenset[str], frozenset[str]]:
    """A title's hanzi and hanzi bigrams, cached: the same titles recur across queries."""
    return frozenset(_HAN.findall(title)), frozenset(_bigrams(title))


def _bigrams(text: str) -> set[str]:
    han = "".join(_HAN.findall(text))
    return {han[i : i + 2] for i in range(len(han) - 1)}
