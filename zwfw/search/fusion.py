"""Reciprocal-rank fusion of ranked lists: robust to the two retrievers' incomparable scores."""

from __future__ import annotations

from collections.abc import Sequence


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Fused score per key: the sum over lists of weight / (k + rank), ranks starting at 1."""
    scores: dict[str, float] = {}
    for keys, weight in rankings:
        for rank, key in enumerate(keys, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return scores
