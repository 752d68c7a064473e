"""`zwfw eval` figures: per-kind tables, the comparison with each retriever alone, k-fold fits."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from zwfw.evaluation import runner
from zwfw.evaluation.runner import (
    crossval_items,
    crossval_rankings,
    format_comparison,
    score_rankings,
)
from zwfw.search.evidence import NAMES
from zwfw.search.fitting import Group
from zwfw.search.fusion import FusionModel

QUERIES = [
    {"qid": "a", "kind": "official", "relevant": {"x": 2}},
    {"qid": "b", "kind": "colloquial", "relevant": {"y": 2}},
]


def test_rankings_are_scored_overall_and_per_kind() -> None:
    found = {"a": ["x"], "b": ["z", "y"]}
    result = score_rankings(QUERIES, lambda q: found[q["qid"]])
    assert result["official"]["ndcg@10"] == 1.0
    assert result["colloquial"]["mrr"] == 0.5
    assert result["overall"]["n"] == 2


def test_the_comparison_prints_one_column_per_system_and_one_row_per_kind() -> None:
    perfect = score_rankings(QUERIES, lambda q: list(q["relevant"]))
    empty = score_rankings(QUERIES, lambda q: [])
    table = format_comparison({"zwfw": perfect, "dense": empty, "lexical": empty})
    lines = table.splitlines()
    assert lines[0].split() == ["nDCG@10", "n", "zwfw", "dense", "lexical"]
    assert lines[1].split() == ["overall", "2", "1.000", "0.000", "0.000"]
    assert [line.split()[0] for line in lines[2:]] == ["colloquial", "official"]


def _group(qid: str, rng: np.random.Generator) -> Group:
    """Candidates whose first feature (the lexical rank) separates the relevant one."""
    features = rng.normal(size=(20, len(NAMES))).astype(np.float32)
    features[0, 0] += 8.0
    ids = [f"{qid}-{i}" for i in range(20)]
    grades = np.zeros(20, dtype=np.int8)
    grades[0] = 2
    return Group(qid, "official", ids, features, grades, {ids[0]: 2}, ids[::-1], ids[::-1])


def test_crossval_reports_each_query_from_a_model_that_never_saw_it() -> None:
    rng = np.random.default_rng(0)
    groups = [_group(f"q{i}", rng) for i in range(40)]
    result = crossval_items(groups, [], folds=4)
    assert result["overall"]["n"] == 40
    assert result["overall"]["ndcg@10"] > 0.9  # learned from the other folds' evidence


def test_copies_of_a_query_from_another_index_are_held_out_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Evidence for one labelled query from a full and a thinned index of its catalogue
    must never be fitted on while that query is scored."""
    rng = np.random.default_rng(0)
    groups = [_group(f"q{i}", rng) for i in range(12)]
    groups += [dataclasses.replace(_group(f"q{i}", rng), qid=f"q{i}@1") for i in range(12)]
    fitted: list[set[str]] = []
    real_fit = runner.fit

    def spy(train: list[Group]) -> FusionModel:
        fitted.append({g.qid for g in train})
        return real_fit(train)

    monkeypatch.setattr(runner, "fit", spy)
    rankings = crossval_rankings(groups, [], folds=3)
    assert set(rankings) == {g.qid for g in groups}
    for train in fitted:
        held = {f"q{i}" for i in range(12)} - {q.split("@")[0] for q in train}
        assert len(held) == 4
        assert not {q for q in train if q.split("@")[0] in held}
