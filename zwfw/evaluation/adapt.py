"""`zwfw fit-adapter`: the query-side adapter (`models.adapter`) fitted on labelled queries over
one catalogue's passage vectors, as stored in its indexes, with k-fold figures of the dense
list alone.

Each index given (the catalogue indexed full, and thin: `evaluation.thin`) adds one batch:
the labelled queries whose items it holds, against its own passages. The thin batch is what
teaches the adapter to meet names-and-departments passages, the only kind a cold catalogue
has.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zwfw.evaluation.metrics import ndcg
from zwfw.evaluation.runner import format_comparison
from zwfw.models import normalize
from zwfw.models.adapter import AdaptedEncoder, Batch, QueryAdapter, fit_adapter
from zwfw.models.encoders import CachedEncoder, Encoder
from zwfw.search import SearchService
from zwfw.search.fitting import Labelled

Vectors = np.ndarray
Fitter = Callable[[Sequence[Batch]], QueryAdapter]


@dataclass(frozen=True)
class Catalogue:
    """An index's items: their ids and stored passage vectors, row for row."""

    ids: list[str]
    passages: Vectors

    @classmethod
    def of(cls, search: SearchService) -> Catalogue:
        vids = search.index.docs.vids()
        keys = sorted(k for k in vids if k.startswith("item:"))
        vectors = search.index.vectors.vectors([vids[k] for k in keys])
        return cls([k.split(":", 1)[1] for k in keys], vectors)

    def batch(self, queries: Sequence[Labelled], vectors: Vectors) -> Batch | None:
        """The queries whose relevant items are all here, each target row their gains."""
        row = {item: n for n, item in enumerate(self.ids)}
        keep, targets = [], []
        for n, q in enumerate(queries):
            if not q.relevant or any(i not in row for i in q.relevant):
                continue
            target = np.zeros(len(self.ids))
            for item, grade in q.relevant.items():
                target[row[item]] = 2.0**grade - 1
            keep.append(n)
            targets.append(target / target.sum())
        if not keep:
            return None
        return Batch(vectors[keep], np.array(targets), self.passages)

    def ranking(self, vector: Vectors, k: int = 10) -> list[str]:
        """The top `k` item ids by cosine (exact, as a flat index ranks)."""
        scores = self.passages @ vector
        return [self.ids[i] for i in np.argsort(-scores, kind="stable")[:k]]


def plain_encoder(encoder: Encoder) -> Encoder:
    """The encoder under the query cache and any adapter: an adapter is fitted on plain e5."""
    while isinstance(encoder, CachedEncoder | AdaptedEncoder):
        encoder = encoder.inner
    return encoder


def encode(search: SearchService, queries: Sequence[Labelled]) -> Vectors:
    """Plain query vectors of the queries as typed (normalised), as `zwfw eval`'s dense
    column reads them."""
    return plain_encoder(search.encoder).encode_queries([normalize(q.query) for q in queries])


def fit_on(
    catalogues: Sequence[Catalogue], queries: Sequence[Labelled], vectors: Vectors, fitter: Fitter
) -> QueryAdapter:
    batches = [b for c in catalogues if (b := c.batch(queries, vectors)) is not None]
    return fitter(batches)


def folds_of(queries: Sequence[Labelled], folds: int, seed: int = 0) -> list[list[int]]:
    """Query positions per fold, drawn as `runner.crossval_rankings` draws them."""
    order = sorted(range(len(queries)),
                   key=lambda n: zlib.crc32(f"{seed}:{queries[n].qid}".encode()))  # fmt: skip
    return [sorted(order[f::folds]) for f in range(folds)]


def crossval_dense(
    catalogues: Sequence[Catalogue],
    queries: Sequence[Labelled],
    vectors: Vectors,
    folds: int,
    fitter: Fitter,
) -> list[dict[str, dict[str, dict[str, float]]]]:
    """Per catalogue: nDCG@10 per kind of the dense list alone, plain and adapted by an
    adapter fitted without the query's fold."""
    adapted = np.empty_like(vectors)
    for held in folds_of(queries, folds):
        rest = [n for n in range(len(queries)) if n not in set(held)]
        adapter = fit_on(catalogues, [queries[n] for n in rest], vectors[rest], fitter)
        adapted[held] = adapter.apply(vectors[held])
    return [
        {"e5": _score(c, queries, vectors), "adapted": _score(c, queries, adapted)}
        for c in catalogues
    ]


def _score(
    catalogue: Catalogue, queries: Sequence[Labelled], vectors: Vectors
) -> dict[str, dict[str, float]]:
    rows: dict[str, list[float]] = defaultdict(list)
    held = set(catalogue.ids)
    for q, vector in zip(queries, vectors, strict=True):
        if q.relevant and all(i in held for i in q.relevant):
            value = ndcg(catalogue.ranking(vector), q.relevant)
            rows["overall"].append(value)
            rows[q.kind].append(value)
    return {k: {"n": len(v), "ndcg@10": round(float(np.mean(v)), 4)} for k, v in rows.items()}


def fit_query_adapter(
    searches: Sequence[SearchService],
    queries: Sequence[Labelled],
    out: Path,
    folds: int = 0,
    options: Mapping[str, float] | None = None,
) -> str:
    """Fit on every index's catalogue, write the adapter to `out` and return a report: with
    `folds`, the dense list's nDCG@10 per kind, plain and adapted, under k-fold."""
    catalogues = [Catalogue.of(s) for s in searches]
    vectors = encode(searches[0], queries)

    def fitter(batches: Sequence[Batch]) -> QueryAdapter:
        return fit_adapter(batches, **(options or {}))  # type: ignore[arg-type]

    lines = []
    if folds:
        for n, table in enumerate(crossval_dense(catalogues, queries, vectors, folds, fitter)):
            if table["e5"]:
                lines.append(f"dense alone, {folds}-fold, index {n}:")
                lines.append(format_comparison(table))
    adapter = fit_on(catalogues, queries, vectors, fitter)
    adapter.save(out)
    lines.append(f"wrote {out} ({out.stat().st_size} bytes), |U| = "
                 f"{float(np.linalg.norm(adapter.u)):.3f}")  # fmt: skip
    return "\n".join(lines)
