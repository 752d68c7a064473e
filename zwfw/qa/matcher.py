"""The pair matcher: the probability that one candidate entry answers the question, from
`pairs` features, read by the answer classifier as evidence.

The e5 + USE blend (`qa/rerank.py`) already puts the right entry first for 94 % of dev
questions; a learned reorder over the same evidence did not beat it (0.93 out of fold). What
the decision lacks is a judgement of the pair itself: a sibling entry on the same subject
that asks something else (how much against which documents), or misses a word of the
question, scores a high cosine all the same. A logistic regression over both cosines, the
retrievers' ranks, overlap both ways and question-type agreement, fitted by `zwfw fit-qa`
on every training question's top candidates, gives that judgement; the classifier reads
the top's probability and its lead over the others. Serving needs numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from zwfw.qa.pairs import PAIR_NAMES

DEPTH = 20  # candidates judged: the blend's depth


@dataclass(frozen=True)
class PairMatcher:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]  # on standardised features
    bias: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """One probability per row of `pair_features`."""
        if not len(x):
            return np.zeros(0)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.bias))))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PairMatcher:
        return cls(
            tuple(raw["names"]),
            tuple(raw["mean"]),
            tuple(raw["scale"]),
            tuple(raw["coef"]),
            float(raw["bias"]),
        )

    @property
    def current(self) -> bool:
        """Fitted on the pair features this code computes."""
        return self.names == PAIR_NAMES
