"""Elderly-mode text: spoken numbers and dates, no links, a short first sentence."""

from __future__ import annotations

import pytest

from zwfw.chat.elder import (
    FIRST_SENTENCE_MAX,
    cap_first_sentence,
    finish,
    for_elder,
    plain,
    short_name,
    speech,
)
from zwfw.chat.spoken import cardinal, speak_numbers


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("120元", "一百二十元"),
        ("7个工作日", "七个工作日"),
        ("2025-01-01", "二〇二五年一月一日"),
        ("2024年3月15日", "二〇二四年三月十五日"),
        ("2个工作日", "两个工作日"),
        ("第2项", "第二项"),
        ("15～20个工作日", "十五至二十个工作日"),
        ("10000元", "一万元"),
        ("0.5元", "零点五元"),
        ("50%", "百分之五十"),
        ("020-12345", "零二零，一二三四五"),
        ("拨打12345", "拨打一二三四五"),
        ("拨打120", "拨打一二零"),
    ],
)
def test_numbers_and_dates_are_written_as_spoken(written: str, spoken: str) -> None:
    assert speak_numbers(written) == spoken


@pytest.mark.parametrize(
    ("n", "spoken"), [(10, "十"), (105, "一百零五"), (1010, "一千零一十"), (120500, "十二万零五百")]
)
def test_cardinals(n: int, spoken: str) -> None:
    assert cardinal(n) == spoken


def test_links_citations_and_brackets_are_not_read_aloud() -> None:
    text = plain(
        "工本费20元/证，依据《收费通知》（发改价格〔2003〕2322号）。入口：https://a.gov.cn/x"
    )
    assert text == "工本费20元每证。"


def test_a_long_first_sentence_is_broken_at_a_comma() -> None:
    long = (
        "可到户籍所在地或现居住地的公安派出所、户政服务窗口申请补领，"
        "本人到场现场采集相片和指纹即可。"
    )
    capped = cap_first_sentence(long)
    assert len(capped.split("。")[0]) + 1 <= FIRST_SENTENCE_MAX
    assert capped.replace("。", "").replace("，", "") == long.replace("。", "").replace("，", "")


def test_a_long_sentence_without_a_comma_is_cut_between_words() -> None:
    long = "您可以通过北京市婚姻登记预约系统网站和北京通微信公众号两种方式预约结婚登记服务。"
    capped = cap_first_sentence(long)
    first = capped.split("。")[0]
    assert len(first) + 1 <= FIRST_SENTENCE_MAX and not first.endswith("预")
    assert capped.replace("。", "") == long.replace("。", "")


def test_a_slash_is_per_before_a_unit_and_or_between_alternatives() -> None:
    assert plain("收费标准：10元/次，200元/平方米") == "收费标准：10元每次，200元每平方米"
    assert plain("户口所在地/驻军所在地的派出所") == "户口所在地或驻军所在地的派出所"


def test_a_list_becomes_spoken_sentences() -> None:
    text = for_elder("需要准备2项材料。", ["1. 居民身份证", "2. 户口簿"])
    assert text == "需要准备2项材料。第一，居民身份证；第二，户口簿。"


def test_the_screen_keeps_digits_and_the_speech_says_them() -> None:
    shown = finish("咨询电话是020-12345。")
    assert shown == "咨询电话是020-12345。"
    assert speech(shown) == "咨询电话是零二零，一二三四五。"


def test_short_names_drop_bracketed_qualifiers() -> None:
    assert short_name("普通护照签发（首次申请）") == "普通护照签发"
