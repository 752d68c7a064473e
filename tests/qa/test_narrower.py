"""A generic question and an entry about a narrower case clarify instead of answering."""

from __future__ import annotations

import pytest

from zwfw.core.records import Faq
from zwfw.models import Segmenter
from zwfw.qa.features import WordsOf
from zwfw.qa.narrower import narrower
from zwfw.qa.rerank import Scored
from zwfw.search import Candidate, analyze_query


def _scored(*entries: tuple[str, str]) -> list[Scored]:
    return [
        Scored(Candidate(f"faq:f{i}", Faq(id=f"f{i}", question=q, answer=a), 1.0 - i / 10))
        for i, (q, a) in enumerate(entries)
    ]


RETIREES = ("退休人员如何提取公积金？", "退休后持身份证到管理部办理销户提取。")
DATE = ("如何变更住房公积金提取日期？", "登录个人网上业务平台修改约定提取日期。")
RENT = ("租房怎样提取住房公积金？", "无房职工租房可按月提取。")


@pytest.mark.parametrize(
    ("question", "entries", "expected"),
    [
        pytest.param("公积金怎么提取", (RETIREES, DATE), True, id="generic-narrower-sibling"),
        pytest.param("退休人员如何提取公积金？", (RETIREES, DATE), False, id="typed-as-in-faq"),
        pytest.param("退休了公积金怎么提取", (RETIREES, DATE), False, id="names-the-audience"),
        pytest.param("公积金怎么提取", (RETIREES, ("社保卡怎么补办？", "到银行网点补办。")),
                     False, id="no-sibling-fits"),
        pytest.param("北京居住证怎么办", (("北京市居住证如何办？", "到派出所申请。"), RENT),
                     False, id="a-place-does-not-narrow"),
    ],
)  # fmt: skip
def test_a_narrower_entry_with_a_fitting_sibling_is_not_the_answer(
    segmenter: Segmenter, question: str, entries: tuple[tuple[str, str], ...], expected: bool
) -> None:
    q = analyze_query(question, segmenter, None, None)
    assert narrower(q, _scored(*entries), WordsOf(segmenter.words)) is expected
