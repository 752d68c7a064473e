"""Fusion of the lexical and dense lists: reciprocal-rank fusion, and a learned linear model.

RRF is robust to the retrievers' incomparable scores but weighs them the same for every
query. The learned model (fitted by `zwfw fit`, see docs/fusion.md) scores each candidate
from the evidence in `search.evidence`, whose query-by-candidate products let it lean on the
dense side for long, colloquial sentences and on the lexical side for names, codes and
pinyin, as the data shows, not as a word list says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from zwfw.core.errors import ConfigError
from zwfw.search.evidence import (
    CANDIDATE_FEATURES,
    NAMES,
    QUERY_FEATURES,
    Lists,
    evidence,
)
from zwfw.search.query import AnalyzedQuery


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Fused score per key: the sum over lists of weight / (k + rank), ranks starting at 1."""
    scores: dict[str, float] = {}
    for keys, weight in rankings:
        for rank, key in enumerate(keys, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return scores


@dataclass(frozen=True)
class FusionModel:
    """A logistic model over standardised evidence features; `scores` are probabilities that
    a candidate is what the query asks for."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float
    about: Mapping[str, object]  # what it was fitted on, for docs and `zwfw fit` reports

    def logits(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(((features - self.mean) / self.scale) @ self.coef + self.bias)

    def scores(self, q: AnalyzedQuery, lists: Lists, titles: Mapping[str, str]) -> dict[str, float]:
        keys, candidate, query = evidence(q, lists, titles)
        if not keys:
            return {}
        # The same logits as `logits(feature_matrix(...))`, without building the products:
        # standardising is linear, so the products' weights fold into one vector per query.
        w = self.coef / self.scale
        n_c, n_q = len(CANDIDATE_FEATURES), len(QUERY_FEATURES)
        per_candidate = w[:n_c] + w[n_c + n_q :].reshape(n_c, n_q) @ query
        constant = float(query @ w[n_c : n_c + n_q] - self.mean @ w) + self.bias
        probs = 1 / (1 + np.exp(-(candidate @ per_candidate + constant)))
        return dict(zip(keys, probs.tolist(), strict=True))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "names": list(self.names),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [round(float(x), 6) for x in self.coef],
            "bias": round(self.bias, 6),
            "about": dict(self.about),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> FusionModel:
        """The model at `path`, or the one shipped with zwfw. A model fitted on another
        feature set is refused, naming the setting that points at it."""
        if path is None:
            text = (resources.files("zwfw.models") / "data" / "fusion.json").read_text("utf-8")
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"ZWFW_SEARCH__FUSION_MODEL: cannot read {path}: {exc}") from exc
        data = json.loads(text)
        if tuple(data["names"]) != NAMES:
            raise ConfigError(
                f"ZWFW_SEARCH__FUSION_MODEL: {path or 'the shipped model'} was fitted on other "
                "features; refit it with `zwfw fit`"
            )
        return cls(
            names=NAMES,
            mean=np.array(data["mean"], dtype=np.float32),
            scale=np.array(data["scale"], dtype=np.float32),
            coef=np.array(data["coef"], dtype=np.float32),
            bias=float(data["bias"]),
            about=data.get("about", {}),
        )
