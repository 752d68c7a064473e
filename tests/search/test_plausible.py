"""`plausible.noise` with loose lexical evidence: a relaxed match (one shared character) or
none at all is no agreement of the retrievers, so noise they happen to rank alike stays
noise (`SearchService._with_fallbacks` uses it for its relaxed and vector-only stages)."""

from __future__ import annotations

from typing import Any

from zwfw.core.records import Item, parse_record
from zwfw.search import Candidate
from zwfw.search.plausible import WEAK_COSINE, noise


def _cand(name: str, cosine: float, lexical: int | None, vector: int | None) -> Candidate:
    data: dict[str, Any] = {
        "kind": "item", "id": name, "name": name, "item_type": "行政许可", "level": "市级",
        "department": "广州市某局", "region_code": "440100", "region_name": "广州市",
        "audiences": ["自然人"],
    }  # fmt: skip
    item = parse_record(data)
    assert isinstance(item, Item)
    return Candidate(f"item:{name}", item, 1.0, lexical, 1.0, vector, cosine)


# Both retrievers rank the same unrelated items first (公积金提取 in 广州, by 金).
AGREEING_NOISE = [
    _cand("海域使用金减免审批", WEAK_COSINE - 0.04, 1, 1),
    _cand("公证员考核任职", WEAK_COSINE - 0.05, 2, 2),
]


def test_agreement_of_strict_retrievers_keeps_candidates() -> None:
    assert not noise(AGREEING_NOISE, "公积金提取")


def test_agreement_by_a_loose_match_is_no_evidence() -> None:
    assert noise(AGREEING_NOISE, "公积金提取", loose=True)


def test_a_loose_match_with_the_query_in_a_title_is_no_noise() -> None:
    found = [_cand("住房公积金提取", WEAK_COSINE - 0.04, 1, 1)]
    assert not noise(found, "公积金提取", loose=True)


def test_a_loose_match_with_a_high_cosine_is_no_noise() -> None:
    found = [_cand("海域使用金减免审批", WEAK_COSINE + 0.01, 1, 1)]
    assert not noise(found, "公积金提取", loose=True)
