"""Fitting the learned fusion: evidence from labelled queries, and synthetic queries made
from a catalogue's own names.

A cold catalogue has names and departments and nothing else, so the synthetic queries are
what a citizen makes of a name: the name itself, a few of its words, their pinyin, their
initials, a homophone typo. Labelled queries (a dev set) add the colloquial and long
sentences no name can be turned into; their figures are reported only on folds or
catalogues the fitting did not see (docs/fusion.md).
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from zwfw.core.errors import MissingDependency
from zwfw.core.records import DocKind, Item, Record
from zwfw.models import Segmenter, initials, joined, normalize
from zwfw.search.evidence import NAMES, Lists, feature_matrix
from zwfw.search.filters import SearchFilters
from zwfw.search.fusion import FusionModel
from zwfw.search.service import SearchService

ITEMS = SearchFilters(kinds=(DocKind.ITEM,))
_BEST, _WORST = NAMES.index("best_rr"), NAMES.index("both_rr")  # the two ranks, as 1/√rank
SYNTHETIC = "syn-"  # the qid prefix of synthetic queries
COPY = "@"  # qid suffix of a labelled query's evidence from another index of its catalogue


def base_qid(qid: str) -> str:
    """The labelled query a group's evidence belongs to: copies of one query's evidence from
    a full and a thinned index of the same catalogue share it, so they share a fold."""
    return qid.split(COPY, 1)[0]


@dataclass(frozen=True)
class Labelled:
    """A query with graded relevant item ids (the dev sets' format)."""

    qid: str
    query: str
    kind: str
    relevant: Mapping[str, int]


@dataclass(frozen=True)
class Group:
    """One query's candidates: their features, grades and the single retrievers' orders."""

    qid: str
    kind: str
    ids: list[str]
    features: np.ndarray
    grades: np.ndarray
    relevant: Mapping[str, int]
    lexical: list[str]  # ids in lexical order
    dense: list[str]  # ids in dense order


def collect(search: SearchService, queries: Iterable[Labelled], limit: int = 100) -> list[Group]:
    """Run both retrievers for every query and keep the evidence the model is fitted on."""
    groups = []
    for lq in queries:
        q = search.analyze(lq.query)
        lex, vec = search.lists(q, ITEMS, limit)
        records = {k: r for k, _, r in vec}
        records.update(search.index.docs.get([k for k, _ in lex if k not in records]))
        titles = {k: normalize(r.title) for k, r in records.items()}
        keys, features = feature_matrix(q, Lists(lex, [(k, s) for k, s, _ in vec]), titles)
        ids = [records[k].id if k in records else k for k in keys]
        grades = np.array([lq.relevant.get(i, 0) for i in ids], dtype=np.int8)
        groups.append(
            Group(
                lq.qid, lq.kind, ids, features, grades, lq.relevant,
                [records[k].id for k, _ in lex if k in records], [r.id for _, _, r in vec],
            )
        )  # fmt: skip
    return groups


def fit(
    groups: Sequence[Group],
    c: float = 0.001,
    about: Mapping[str, object] = {},
    real_weight: float = 10.0,
) -> FusionModel:
    """A pairwise logistic model (RankNet-style, linear) over standardised evidence: the
    learned score of a more relevant candidate should exceed a less relevant one's. Labelled
    (real) queries count `real_weight` times a synthetic one: they carry the colloquial and
    long sentences that names cannot be turned into."""
    try:
        from sklearn.linear_model import LogisticRegression  # only the fitting needs sklearn
    except ImportError as exc:
        raise MissingDependency("scikit-learn", "fit") from exc

    started = time.perf_counter()
    useful = [g for g in groups if len(g.ids) and g.grades.max() > 0]
    x = np.vstack([g.features for g in useful])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    diffs, weights = _pairs([(g.features - mean) / scale for g in useful], useful, real_weight)
    model = LogisticRegression(C=c, max_iter=1000, fit_intercept=False)
    # Pairs in both orders, so the classes balance and the model stays antisymmetric.
    model.fit(
        np.vstack([diffs, -diffs]),
        np.r_[np.ones(len(diffs)), np.zeros(len(diffs))],
        sample_weight=np.r_[weights, weights],
    )
    info = {
        **about,
        "queries": len(useful),
        "pairs": len(diffs),
        "fit_seconds": round(time.perf_counter() - started, 1),
        "c": c,
        "real_weight": real_weight,
    }
    return FusionModel(NAMES, mean, scale, model.coef_[0], 0.0, info)


def _pairs(
    features: Sequence[np.ndarray],
    groups: Sequence[Group],
    real_weight: float,
    hardest: int = 30,
    spread: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """Feature differences (better − worse) within each query: a relevant candidate against
    the highest-placed less relevant ones (by the better of their two ranks, then the worse)
    and `spread` more drawn from the rest of the lists, weighted by the gain between them.
    The model scores every candidate of both lists when serving; fitted on the top of the
    lists alone, it never learned to keep strays from deep in both lists down, and lifted
    some of them into the top 5."""
    rows: list[np.ndarray] = []
    weights: list[float] = []
    for x, g in zip(features, groups, strict=True):
        by_rank = np.lexsort((-g.features[:, _WORST], -g.features[:, _BEST]))
        rng = np.random.default_rng(zlib.crc32(g.qid.encode()))
        for i in np.flatnonzero(g.grades > 0):
            less = [j for j in by_rank if g.grades[j] < g.grades[i]]
            deep = less[hardest:]
            drawn = rng.choice(deep, min(spread, len(deep)), replace=False) if deep else ()
            worse = less[:hardest] + [int(j) for j in drawn]
            if not worse:
                continue
            rows.append(x[i] - x[worse])
            gain = float(2 ** g.grades[i] - 1)
            scale = 1.0 if g.qid.startswith(SYNTHETIC) else real_weight
            weights.extend(scale * (gain - (2.0 ** g.grades[j] - 1)) for j in worse)
    return np.vstack(rows), np.array(weights) / len(groups) * 100


def ranked(model: FusionModel, group: Group) -> list[str]:
    if not group.ids:
        return []
    order = np.argsort(-model.logits(group.features), kind="stable")
    return [group.ids[i] for i in order]


def synthetic(
    records: Iterable[Record], segmenter: Segmenter, per_item: int = 2, seed: int = 0
) -> list[Labelled]:
    """Queries a citizen might make of each item's name, labelled with the items they name.

    Items with the same name (one service offered by several departments) are all grade 2;
    items whose name contains the queried words are grade 1.
    """
    rng = random.Random(seed)
    items = [r for r in records if isinstance(r, Item)]
    by_name: dict[str, list[str]] = {}
    for item in items:
        by_name.setdefault(normalize(item.name), []).append(item.id)
    homophones = _homophones(normalize(i.name) for i in items)
    out: list[Labelled] = []
    for item in items:
        name = normalize(item.name)
        words = [w for w in segmenter.words(name) if _han(w)]
        for n in range(per_item):
            kind, text, span = _make(rng, name, words, homophones)
            relevant = dict.fromkeys(_containing(span, by_name), 1) if span else {}
            relevant.update(dict.fromkeys(by_name[name], 2))
            out.append(Labelled(f"{SYNTHETIC}{item.id}-{n}", text, kind, relevant))
    return out


_KINDS = ("official", "keywords", "keywords", "pinyin", "initials", "typo")


def _make(
    rng: random.Random, name: str, words: list[str], homophones: Mapping[str, list[str]]
) -> tuple[str, str, str]:
    """(kind, query text, hanzi span the query stands for; "" when it is the whole name)."""
    kind = rng.choice(_KINDS)
    if len(words) < 2 and kind != "typo":
        kind = "official"
    if kind == "official":
        return kind, name, ""
    if kind == "typo":
        return kind, _typo(rng, name, homophones), ""
    size = rng.randint(1, min(3, len(words)))
    start = rng.randrange(0, len(words) - size + 1)
    span = words[start : start + size]
    if kind == "pinyin":
        return kind, " ".join(joined(w) for w in span), "".join(span)
    if kind == "initials":
        head = next((w for w in span if len(w) >= 2), span[0])
        rest = [w for w in span if w != head]
        return kind, " ".join([initials(head), *rest]), "".join(span)
    return kind, "".join(span), "".join(span)


def _typo(rng: random.Random, name: str, homophones: Mapping[str, list[str]]) -> str:
    spots = [i for i, ch in enumerate(name) if len(homophones.get(ch, ())) > 1]
    if not spots:
        return name
    i = rng.choice(spots)
    other = rng.choice([c for c in homophones[name[i]] if c != name[i]])
    return name[:i] + other + name[i + 1 :]


def _homophones(names: Iterable[str]) -> dict[str, list[str]]:
    by_sound: dict[str, set[str]] = {}
    for name in names:
        for ch in name:
            if _han(ch):
                by_sound.setdefault(joined(ch), set()).add(ch)
    return {ch: sorted(chars) for chars in by_sound.values() for ch in chars}


def _containing(span: str, by_name: Mapping[str, list[str]]) -> list[str]:
    return [i for name, ids in by_name.items() if span in name for i in ids]


def _han(text: str) -> bool:
    return bool(text) and all("\u3400" <= c <= "\u9fff" for c in text)
