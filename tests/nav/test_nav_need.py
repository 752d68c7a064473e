"""A need starts navigation; a question about details goes to search or the FAQ."""

from __future__ import annotations

import pytest

from zwfw.nav import looks_like_need


@pytest.mark.parametrize(
    "text",
    [
        "我要开个小店",
        "孩子出生了要办什么",
        "我想办退休",
        "刚结婚了",
        "家里老人去世了需要办哪些手续",
        "准备买房",
        "我们公司要招人",
    ],
)
def test_a_goal_or_life_event_is_a_need(text: str) -> None:
    assert looks_like_need(text)


@pytest.mark.parametrize(
    "text",
    [
        "社保卡丢了怎么补办",
        "退休年龄是多少",
        "公积金提取需要什么材料",
        "身份证办好了没有",
        "护照办理要多久？",
        "居民身份证换领",
        "",
    ],
)
def test_a_question_about_details_is_not_a_need(text: str) -> None:
    assert not looks_like_need(text)
