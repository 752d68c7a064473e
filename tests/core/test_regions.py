from __future__ import annotations

import pytest

from zwfw.core import InvalidQuery
from zwfw.core.regions import ancestors, find_in_text, parse_region, within


def test_a_district_lies_within_its_city_and_province() -> None:
    assert ancestors("440106") == ["440106", "440100", "440000"]
    assert within("440106", "440000")
    assert not within("440100", "330000")
    assert within("330100", "100000")


@pytest.mark.parametrize("name", ["广州", "广州市", "440100"])
def test_a_region_is_accepted_by_name_or_code(name: str) -> None:
    assert parse_region(name) == "440100"


def test_an_unknown_region_is_a_clear_error() -> None:
    with pytest.raises(InvalidQuery, match="unknown region"):
        parse_region("火星")


def test_the_most_specific_region_named_in_a_query_wins() -> None:
    assert find_in_text("广东 广州 护照加注") == "440100"
    assert find_in_text("护照加注") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("在长沙办护照要带什么", "430100"),  # a city outside the catalogue's own
        ("郑州市的社保卡怎么补", "410100"),
        ("北京路派出所办护照", None),  # a street named after a place
        ("吉林大学毕业生翻译考试报名", None),  # a university
        ("怎么选医保定点医院", None),  # 医保定点 holds 保定
        ("往来台湾通行证签注", None),  # a document's name, not a place of service
        ("辽宁朝阳市", "211300"),  # an everyday-word city only in full
        ("朝阳区", None),
        ("国产普通化装品备案", None),  # 普通化装品 holds 通化
        ("全国大学英语四六级考试成绩查询", "100000"),  # 全国 is never a street's name
    ],
)
def test_cities_of_the_whole_country_are_found_but_not_inside_other_names(
    text: str, code: str | None
) -> None:
    assert find_in_text(text) == code
