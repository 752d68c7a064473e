"""The calibrated answer / clarify / hand-off decision: two logistic models over `features`.

`p_answer` is the probability that the top candidate answers the question; `p_offer` that a
right entry is among the suggestions. Answer when `p_answer` clears its threshold, else
clarify when `p_offer` clears its own, else hand off. Coefficients, the standardisation and
both thresholds are fitted by `zwfw fit-qa` (qa/fit.py) and shipped as a small JSON file,
read here with numpy alone, together with the pair matcher whose judgement of the top
candidates is part of the evidence (`qa/matcher.py`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.errors import ConfigError
from zwfw.qa.decide import Action
from zwfw.qa.features import NAMES
from zwfw.qa.matcher import PairMatcher

DEFAULT_MODEL = Path(__file__).with_name("answer_model.json")


@dataclass(frozen=True)
class Logistic:
    coef: tuple[float, ...]  # on standardised features
    bias: float

    def probability(self, z: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(float(np.dot(self.coef, z)) + self.bias))))


@dataclass(frozen=True)
class AnswerModel:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    answer: Logistic
    offer: Logistic
    answer_threshold: float
    clarify_threshold: float
    meta: dict[str, Any] = field(default_factory=dict)  # how, when and on what it was fitted
    # The pair matcher whose probabilities the `match_*` features read; fitted with the
    # classifier, which learns from its output. None: those features are 0 (an older fit).
    matcher: PairMatcher | None = None

    def probabilities(self, x: np.ndarray) -> tuple[float, float]:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return self.answer.probability(z), self.offer.probability(z)

    def decide(self, x: np.ndarray) -> tuple[Action, float]:
        """The action and the answer probability it was taken on."""
        p_answer, p_offer = self.probabilities(x)
        if p_answer >= self.answer_threshold:
            return Action.ANSWER, p_answer
        if p_offer >= self.clarify_threshold:
            return Action.CLARIFY, p_answer
        return Action.HANDOFF, p_answer

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")


def load_model(path: Path) -> AnswerModel:
    """Read a fitted model; one fitted on other features than this code computes is refused."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        model = AnswerModel(
            names=tuple(raw["names"]),
            mean=tuple(raw["mean"]),
            scale=tuple(raw["scale"]),
            answer=Logistic(tuple(raw["answer"]["coef"]), raw["answer"]["bias"]),
            offer=Logistic(tuple(raw["offer"]["coef"]), raw["offer"]["bias"]),
            answer_threshold=raw["answer_threshold"],
            clarify_threshold=raw["clarify_threshold"],
            meta=raw.get("meta", {}),
            matcher=PairMatcher.from_dict(raw["matcher"]) if raw.get("matcher") else None,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read the FAQ answer model {path}: {exc}") from exc
    if model.names != NAMES or (model.matcher is not None and not model.matcher.current):
        raise ConfigError(
            f"the FAQ answer model {path} was fitted on other features: run `zwfw fit-qa`"
        )
    return model


def unfitted_model() -> AnswerModel:
    """A model over the current features that never answers: what `zwfw fit-qa` runs with
    while it fits the real one (it only matches questions; it never decides)."""
    zero = Logistic(tuple(0.0 for _ in NAMES), -10.0)
    ones = tuple(1.0 for _ in NAMES)
    return AnswerModel(NAMES, tuple(0.0 for _ in NAMES), ones, zero, zero, 1.0, 1.0)
