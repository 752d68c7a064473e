"""Guide-field recognition and answers quoted from the demo items' guides."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from testdata import DEMO

from zwfw.chat.fields import (
    GuideField,
    answer_field,
    detect_fields,
    named_fields,
    names_something,
    subject_of,
    time_text,
)
from zwfw.core.records import Item, parse_record


def _item(name: str, region: str) -> Item:
    for line in (DEMO / "items.jsonl").read_text("utf-8").splitlines():
        data = json.loads(line)
        if data["name"] == name and data["region_name"] == region:
            record = parse_record(data)
            assert isinstance(record, Item)
            return record
    raise LookupError(name)


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        ("办护照要带什么", [GuideField.MATERIALS]),
        ("需要哪些材料", [GuideField.MATERIALS]),
        ("那要多少钱", [GuideField.FEE]),
        ("收费吗", [GuideField.FEE]),
        ("多久能拿到", [GuideField.TIME_LIMIT]),
        ("要几天", [GuideField.TIME_LIMIT]),
        ("在哪里办", [GuideField.LOCATION]),
        ("地址是什么", [GuideField.LOCATION]),
        ("网上能办吗", [GuideField.ONLINE]),
        ("有办理链接吗", [GuideField.ONLINE]),
        ("申请条件是什么", [GuideField.CONDITIONS]),
        ("谁能办", [GuideField.CONDITIONS]),
        ("咨询电话多少", [GuideField.PHONE]),
        ("适用对象是谁", [GuideField.AUDIENCE]),
        ("第一次办护照要带什么？多少钱？", [GuideField.MATERIALS, GuideField.FEE]),
        ("身份证丢了怎么补办", []),
    ],
)
def test_the_asked_guide_field_is_recognised(question: str, fields: list[GuideField]) -> None:
    assert detect_fields(question) == fields


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("办护照要带什么", True),
        ("那要多少钱", False),
        ("在哪里办", False),
        ("社保卡网上能办吗", True),
    ],
)
def test_a_follow_up_without_a_subject_is_told_apart(question: str, named: bool) -> None:
    assert names_something(subject_of(question)) is named


PASSPORT = ("普通护照签发（首次申请）", "广州市")


@pytest.mark.parametrize(
    ("item", "field", "quoted"),
    [
        pytest.param(PASSPORT, GuideField.MATERIALS, "1. 居民身份证", id="materials"),
        pytest.param(PASSPORT, GuideField.FEE, "120元/本", id="fee"),
        pytest.param(PASSPORT, GuideField.TIME_LIMIT, "承诺5个工作日内办结", id="time-limit"),
        pytest.param(PASSPORT, GuideField.LOCATION, "越秀区解放南路155号", id="location"),
        pytest.param(PASSPORT, GuideField.ONLINE, "暂时不能全程网上办理", id="offline"),
        pytest.param(
            ("社会保障卡申领", "广州市"), GuideField.ONLINE, "可以在网上办理", id="online"
        ),
        pytest.param(
            ("居民身份证首次申领", "广州市"), GuideField.CONDITIONS, "年满16周岁", id="conditions"
        ),
        pytest.param(("居民身份证首次申领", "广州市"), GuideField.PHONE, "020-12345", id="phone"),
        pytest.param(PASSPORT, GuideField.AUDIENCE, "自然人", id="audience"),
    ],
)
def test_each_field_is_answered_by_quoting_the_guide(
    item: tuple[str, str], field: GuideField, quoted: str
) -> None:
    answer = answer_field(_item(*item), field, item[0])
    assert quoted in "\n".join((answer.headline, *answer.details))


def test_the_online_answer_gives_the_link_when_there_is_one() -> None:
    item = _item("社会保障卡申领", "广州市")
    assert (
        item.online_url and item.online_url in answer_field(item, GuideField.ONLINE, "x").details[0]
    )


def test_time_limits_read_as_days() -> None:
    assert time_text("20(工作日)") == "20个工作日" and time_text("60(自然日)") == "60天"


@pytest.mark.parametrize(
    ("name", "headline"),
    [
        pytest.param("办理及加注普通护照", "办理及加注普通护照需要准备", id="verb-first"),
        pytest.param("普通护照加注", "办理普通护照加注需要准备", id="noun-first"),
    ],
)
def test_materials_headline_never_doubles_the_verb(name: str, headline: str) -> None:
    item = _item("普通护照加注", "深圳市")
    renamed = replace(item, name=name)
    answer = answer_field(renamed, GuideField.MATERIALS, name)
    assert answer.headline.startswith(headline) and "办理办理" not in answer.headline


def test_a_region_prefixed_verb_name_is_not_prefixed_again() -> None:
    item = _item("普通护照加注", "深圳市")
    renamed = replace(item, name="办理往来港澳通行证")
    answer = answer_field(renamed, GuideField.MATERIALS, "深圳市办理往来港澳通行证")
    assert answer.headline.startswith("深圳市办理往来港澳通行证需要准备")


@pytest.mark.parametrize(
    ("question", "name", "fields"),
    [
        pytest.param(
            "翻译专业资格考试报名，湖南省哪里可以办？",
            "翻译专业资格（笔译、口译）考试报名",
            [GuideField.LOCATION],
            id="资格-names-the-service",
        ),
        pytest.param(
            "翻译专业资格考试报名的条件",
            "翻译专业资格（笔译、口译）考试报名",
            [GuideField.CONDITIONS],
            id="条件-is-still-asked",
        ),
        pytest.param("护照在哪儿能办", "", [GuideField.LOCATION], id="哪儿能办"),
        pytest.param("哪里可以办护照", "", [GuideField.LOCATION], id="哪里可以办"),
    ],
)
def test_a_field_word_inside_the_services_name_asks_for_no_field(
    question: str, name: str, fields: list[GuideField]
) -> None:
    assert detect_fields(question, name) == fields


def test_fields_kept_from_earlier_turns_stay_when_the_name_is_removed() -> None:
    name = "翻译专业资格（笔译、口译）考试报名"
    text = "翻译专业资格考试报名"
    kept = [GuideField.MATERIALS, GuideField.CONDITIONS]
    assert named_fields(kept, text, name) == [GuideField.MATERIALS]
