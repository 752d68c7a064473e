"""When search's top item is confident enough for the chat to be about it (no index needed)."""

from __future__ import annotations

import pytest

from zwfw.chat.confidence import base_name, confident_item
from zwfw.core.records import Faq, Item
from zwfw.search import Candidate


def _item(name: str) -> Item:
    return Item(
        id=name, name=name, item_type="行政许可", department="水利厅", region_code="440000",
        region_name="广东省", level="省级", audiences=("法人",),
    )  # fmt: skip


def _top(record: Item | Faq, lexical: int | None, vector: int | None, cosine: float) -> Candidate:
    return Candidate(f"{record.kind}:{record.id}", record, 1.0, lexical, 1.0, vector, cosine)


def test_both_retrievers_first_with_a_high_cosine_is_confident() -> None:
    top = _top(_item("新增取水许可"), 1, 1, 0.92)
    assert confident_item([top], "取水许可怎么申请", 0.88) is top.record


@pytest.mark.parametrize(
    ("lexical", "vector", "cosine"),
    [
        pytest.param(1, 2, 0.95, id="vector-disagrees"),
        pytest.param(None, 1, 0.95, id="no-shared-word"),
        pytest.param(1, 1, 0.87, id="cosine-below-bar"),
    ],
)
def test_weaker_evidence_is_not_confident(lexical: int | None, vector: int, cosine: float) -> None:
    top = _top(_item("新增取水许可"), lexical, vector, cosine)
    assert confident_item([top], "取水", 0.88) is None


def test_a_message_containing_the_whole_name_is_confident_whatever_the_ranks() -> None:
    top = _top(_item("超限运输车辆跨省行驶公路审批(三类超限)"), 1, 3, 0.80)
    assert confident_item([top], "超限运输车辆跨省行驶公路审批", 0.88) is top.record


def test_a_faq_on_top_is_never_a_confident_item() -> None:
    faq = Faq(id="f1", question="取水许可怎么办", answer="…", department="水务局")
    assert confident_item([_top(faq, 1, 1, 0.99)], "取水许可怎么办", 0.88) is None


def test_base_names_drop_nested_qualifiers() -> None:
    assert base_name("银税三方（委托）划缴协议(（企业）)") == "银税三方划缴协议"


@pytest.mark.parametrize(
    ("message", "analysed", "confident"),
    [
        pytest.param("我要办居住证", "", False, id="no-progress-asked"),
        pytest.param("居住证办好了没有", "", True, id="progress-asked"),
        pytest.param("juzhuzheng jindu chaxun", "居住证进度查询", True, id="progress-in-pinyin"),
        pytest.param("居住证办理进度查询", "", True, id="named-in-full"),
    ],
)
def test_a_progress_lookup_is_confident_only_when_progress_is_asked(
    message: str, analysed: str, confident: bool
) -> None:
    top = _top(_item("居住证办理进度查询"), 1, 1, 0.93)
    found = confident_item([top], message, 0.88, analysed)
    assert (found is top.record) is confident
