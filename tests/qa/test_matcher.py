"""The pair matcher: the evidence it reads about each candidate, its fit, and the shipped one."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from zwfw.core.errors import ConfigError
from zwfw.core.records import Faq
from zwfw.core.settings import QaSettings, Settings
from zwfw.models import Segmenter, normalize
from zwfw.qa import load_model
from zwfw.qa.classifier import DEFAULT_MODEL
from zwfw.qa.features import WordsOf
from zwfw.qa.fit import PAIR_SIGNS, PairRows, fit_matcher
from zwfw.qa.pairs import PAIR_NAMES, pair_features
from zwfw.qa.rerank import Scored
from zwfw.runtime import answer_model
from zwfw.search import AnalyzedQuery, Candidate


def _scored(questions: list[str], cosines: list[float]) -> list[Scored]:
    return [
        Scored(
            Candidate(f"faq-{i}", Faq(f"faq-{i}", q, "答复。"), 0.0, vector_rank=i + 1,
                      vector_score=c),
            second=c,
        )
        for i, (q, c) in enumerate(zip(questions, cosines, strict=True))
    ]  # fmt: skip


def _query(text: str, segmenter: Segmenter) -> AnalyzedQuery:
    words = tuple(segmenter.words(normalize(text)))
    return AnalyzedQuery(text, normalize(text), words, (), ())


def test_a_sibling_entry_that_asks_for_something_else_is_marked_as_such(
    segmenter: Segmenter,
) -> None:
    q = _query("居住证要带什么材料？", segmenter)
    scored = _scored(["申请居住证需要提交哪些材料？", "申请居住证收费多少钱？"], [0.93, 0.94])
    rows = pair_features(q, scored, WordsOf(segmenter.words))
    same, other = PAIR_NAMES.index("asks_same"), PAIR_NAMES.index("asks_other")
    assert rows[0, same] == 1.0 and rows[0, other] == 0.0
    assert rows[1, same] == 0.0 and rows[1, other] == 1.0
    # The cosine gap is read against the best of the list.
    assert rows[1, PAIR_NAMES.index("cosine_gap")] == 0.0
    assert rows[0, PAIR_NAMES.index("cosine_gap")] == pytest.approx(-0.01)


def test_the_fitted_matcher_rates_right_candidates_of_unseen_lists_higher() -> None:
    rng = np.random.default_rng(0)
    coverage = PAIR_NAMES.index("coverage")

    def lists(n: int) -> list[PairRows]:
        out = []
        for _ in range(n):
            x = rng.normal(size=(10, len(PAIR_NAMES)))
            right = np.zeros(10, bool)
            right[int(np.argmax(x[:, coverage]))] = True
            out.append(PairRows(x, right, 1.0))
        return out

    matcher = fit_matcher(lists(300))
    held_out = lists(100)
    first = [p.right[int(np.argmax(matcher.probabilities(p.x)))] for p in held_out]
    assert np.mean(first) > 0.9


def test_a_model_whose_matcher_was_fitted_on_other_pair_features_is_refused(
    tmp_path: Path,
) -> None:
    model = load_model(DEFAULT_MODEL)
    assert model.matcher is not None and model.matcher.current
    raw = asdict(model)
    raw["matcher"]["names"] = ["cosine"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="fit-qa"):
        load_model(path)


def test_fit_qa_can_start_over_a_stale_model_that_a_server_refuses(tmp_path: Path) -> None:
    raw = asdict(load_model(DEFAULT_MODEL))
    raw["names"] = raw["names"][:-1]
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    settings = Settings(index_dir=tmp_path, qa=QaSettings(answer_model=path))
    with pytest.raises(ConfigError, match="fit-qa"):
        answer_model(settings)
    placeholder = answer_model(settings, fitting=True)
    assert placeholder.probabilities(np.asarray(placeholder.mean))[0] < 0.01


@pytest.mark.parametrize("name", sorted(PAIR_SIGNS))
def test_the_shipped_matcher_moves_with_its_evidence_as_declared(name: str) -> None:
    matcher = load_model(DEFAULT_MODEL).matcher
    assert matcher is not None
    i = PAIR_NAMES.index(name)
    low, high = np.asarray(matcher.mean, float), np.asarray(matcher.mean, float)
    high[i] += matcher.scale[i]
    p_low, p_high = matcher.probabilities(np.vstack([low, high]))
    assert (p_high - p_low) * PAIR_SIGNS[name] >= 0
