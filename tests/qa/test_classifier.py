"""The answer classifier: monotone in its evidence, thresholds as fitted, refuses stale models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from zwfw.core.errors import ConfigError
from zwfw.qa import Action, load_model
from zwfw.qa.classifier import DEFAULT_MODEL, AnswerModel, Logistic
from zwfw.qa.features import NAMES
from zwfw.qa.fit import SIGNS

SHIPPED = load_model(DEFAULT_MODEL)


def _typical(model: AnswerModel) -> np.ndarray:
    return np.asarray(model.mean, dtype=np.float64)


@pytest.mark.parametrize("name", [n for n, sign in SIGNS.items() if sign > 0])
def test_more_supporting_evidence_never_lowers_the_answer_probability(name: str) -> None:
    low, high = _typical(SHIPPED), _typical(SHIPPED)
    i = NAMES.index(name)
    low[i] -= SHIPPED.scale[i]
    high[i] += SHIPPED.scale[i]
    assert SHIPPED.probabilities(high)[0] >= SHIPPED.probabilities(low)[0]


@pytest.mark.parametrize("name", [n for n, sign in SIGNS.items() if sign < 0])
def test_contrary_evidence_never_raises_the_answer_probability(name: str) -> None:
    low, high = _typical(SHIPPED), _typical(SHIPPED)
    i = NAMES.index(name)
    high[i] += SHIPPED.scale[i]
    assert SHIPPED.probabilities(high)[0] <= SHIPPED.probabilities(low)[0]


def test_the_shipped_model_is_small_and_was_fitted_out_of_fold() -> None:
    assert DEFAULT_MODEL.stat().st_size < 20_000
    assert SHIPPED.meta["folds"] >= 5
    assert 0 < SHIPPED.answer_threshold < 1


def _model(answer_bias: float, offer_bias: float) -> AnswerModel:
    zero = tuple(0.0 for _ in NAMES)
    return AnswerModel(
        NAMES,
        zero,
        tuple(1.0 for _ in NAMES),
        Logistic(zero, answer_bias),
        Logistic(zero, offer_bias),
        answer_threshold=0.8,
        clarify_threshold=0.4,
    )


@pytest.mark.parametrize(
    ("answer_bias", "offer_bias", "action"),
    [
        pytest.param(3.0, -3.0, Action.ANSWER, id="confident"),
        pytest.param(0.0, 0.0, Action.CLARIFY, id="likely-among-suggestions"),
        pytest.param(-3.0, -3.0, Action.HANDOFF, id="neither"),
    ],
)
def test_the_decision_follows_the_fitted_thresholds(
    answer_bias: float, offer_bias: float, action: Action
) -> None:
    decided, confidence = _model(answer_bias, offer_bias).decide(np.zeros(len(NAMES)))
    assert decided is action
    assert confidence == pytest.approx(1 / (1 + np.exp(-answer_bias)))


def test_a_model_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    _model(0.0, 0.0).save(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["names"] = [*raw["names"][:-1], "retired_feature"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="fit-qa"):
        load_model(path)


def test_a_saved_model_loads_back_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    SHIPPED.save(path)
    assert load_model(path) == SHIPPED
