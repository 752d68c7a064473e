"""Spoken and typed answers map to the option the user meant, or to nothing."""

from __future__ import annotations

import pytest

from zwfw.nav.answers import match_answer
from zwfw.nav.narrow import Option


def _opts(*labels: str, values: dict[str, set[str]] | None = None) -> list[Option]:
    values = values or {}
    return [Option(label, frozenset(values.get(label, {label})), 1) for label in labels]


@pytest.mark.parametrize(
    ("said", "labels", "expected"),
    [
        pytest.param("第一个", ("个人", "企业"), "个人", id="ordinal"),
        pytest.param("嗯，第2个吧", ("个人", "企业"), "企业", id="ordinal-digit-filler"),
        pytest.param("最后一个", ("补领", "换领", "其他"), "其他", id="last"),
        pytest.param("企业", ("个人", "企业", "外国人"), "企业", id="label"),
        pytest.param("我是开公司的", ("个人", "企业"), "企业", id="synonym-company"),
        pytest.param("我自己办", ("个人", "企业"), "个人", id="synonym-self"),
        pytest.param("老外", ("个人", "外国人"), "外国人", id="synonym-foreigner"),
        pytest.param("广州", ("广东省", "广州市", "深圳市"), "广州市", id="region-short"),
        pytest.param("在深圳办", ("广州", "深圳"), "深圳", id="region-sentence"),
        pytest.param("證件丟了", ("首次", "补领", "换领"), "补领", id="traditional-variant"),
        pytest.param("都不是", ("补领", "换领", "其他"), "其他", id="none-of-these"),
    ],
)
def test_an_answer_picks_the_option_the_user_meant(
    said: str, labels: tuple[str, ...], expected: str
) -> None:
    got = match_answer(said, _opts(*labels))
    assert got.option is not None and got.option.label == expected


def test_a_variant_word_finds_a_keyword_option_with_that_meaning() -> None:
    options = _opts("遗失", "到期换证", "初次申领")
    got = match_answer("补办", options)
    assert got.option is not None and got.option.label == "遗失"


def test_bu_ling_never_picks_huan_ling_for_the_shared_character() -> None:
    assert match_answer("补领", _opts("换领", "首次")).option is None


def test_not_knowing_is_a_skip_not_a_choice() -> None:
    got = match_answer("不知道", _opts("个人", "企业"))
    assert got.skip and got.option is None and got.understood


def test_an_unrelated_answer_is_not_understood() -> None:
    assert not match_answer("今天天气不错", _opts("个人", "企业")).understood
    assert not match_answer("第五个", _opts("个人", "企业")).understood
