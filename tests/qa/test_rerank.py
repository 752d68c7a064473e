from __future__ import annotations

from fakes import HashEncoder

from zwfw.core.records import Faq
from zwfw.qa.rerank import BlendReranker
from zwfw.search import Candidate


def _candidate(question: str, fused: float, cosine: float) -> Candidate:
    faq = Faq(id=question, question=question, answer="…")
    return Candidate(f"faq:{question}", faq, fused, vector_score=cosine)


def test_the_encoder_cosine_outranks_a_rank_fusion_tie_break() -> None:
    found = [
        _candidate("社保卡怎么挂失", 0.03, 0.88),
        _candidate("社保卡丢了怎么补办", 0.029, 0.93),
    ]
    reranked = BlendReranker(None).rerank("社保卡丢了", found)
    assert [c.record.id for c in reranked] == ["社保卡丢了怎么补办", "社保卡怎么挂失"]


def test_a_second_opinion_can_break_a_near_tie_between_e5_scores() -> None:
    # Equal e5 cosines: the second encoder (here a bigram hash) prefers the shared wording.
    found = [
        _candidate("公积金贷款额度怎么算", 0.03, 0.90),
        _candidate("租房提取公积金", 0.029, 0.90),
    ]
    reranked = BlendReranker(HashEncoder(), weight=1.0).rerank("租房怎么提取公积金", found)
    assert reranked[0].record.id == "租房提取公积金"


def test_candidates_below_the_depth_keep_their_order() -> None:
    found = [_candidate(f"问题{i}", 1 / (i + 1), 0.9 - i / 100) for i in range(5)]
    reranked = BlendReranker(None, depth=2).rerank("问题", found)
    assert [c.record.id for c in reranked[2:]] == ["问题2", "问题3", "问题4"]
