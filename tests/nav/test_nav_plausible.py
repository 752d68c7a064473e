"""Weak candidates: retrieval's noise is told from a real match by cosine, agreement and title
coverage, so "no matching item" can be said honestly."""

from __future__ import annotations

import json

import pytest
from testdata import DEMO

from zwfw.core.records import Item, parse_record
from zwfw.nav.plausible import WEAK_COSINE, coverage, weak
from zwfw.search import Candidate


def _item(name: str) -> Item:
    for line in (DEMO / "items.jsonl").read_text("utf-8").splitlines():
        data = json.loads(line)
        if data["name"] == name:
            record = parse_record(data)
            assert isinstance(record, Item)
            return record
    raise LookupError(name)


def _cand(name: str, cosine: float, lexical: int | None, vector: int | None) -> Candidate:
    item = _item(name)
    return Candidate(f"item:{item.id}", item, 1.0, lexical, 1.0, vector, cosine)


def test_no_candidate_at_all_is_weak() -> None:
    assert weak([], "我要开个小饭馆")


def test_low_cosine_disagreeing_retrievers_and_no_shared_words_are_weak() -> None:
    found = [
        _cand("机动车驾驶人考试预约", WEAK_COSINE - 0.02, 1, 2),
        _cand("出生登记", WEAK_COSINE - 0.03, None, 1),
    ]
    assert weak(found, "我要开个小饭馆")


@pytest.mark.parametrize(
    ("cosine", "lexical", "vector", "text"),
    [
        pytest.param(WEAK_COSINE + 0.01, 1, 2, "我要开个小饭馆", id="high-cosine"),
        pytest.param(WEAK_COSINE - 0.02, 1, 1, "我要开个小饭馆", id="retrievers-agree"),
        pytest.param(WEAK_COSINE - 0.02, 1, 2, "出生登记怎么办", id="title-in-message"),
    ],
)
def test_any_one_piece_of_evidence_keeps_candidates_plausible(
    cosine: float, lexical: int, vector: int, text: str
) -> None:
    found = [_cand("出生登记", cosine, lexical, vector), _cand("户口迁出登记", 0.8, 2, 1)]
    assert not weak(found, text)


def test_title_coverage_ignores_bracketed_qualifiers() -> None:
    assert coverage("出生登记（新生儿入户）", "出生登记") == 1.0
