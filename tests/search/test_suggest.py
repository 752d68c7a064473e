"""Search-box suggestions over the demo catalogue: hanzi, pinyin, initials and infix matches."""

from __future__ import annotations

import pytest

from zwfw.runtime import Runtime
from zwfw.search.suggest import SuggestEntry, Suggester, build_suggester


@pytest.fixture(scope="module")
def suggester(demo_runtime: Runtime) -> Suggester:
    return build_suggester(demo_runtime.index.docs.iter_all())


def _texts(suggester: Suggester, prefix: str, size: int = 8) -> list[str]:
    return [s.text for s in suggester.suggest(prefix, size)]


def test_initials_shb_suggest_a_social_security_card_item_in_the_top_three(
    suggester: Suggester,
) -> None:
    top = suggester.suggest("shb")[:3]
    assert any(s.text.startswith("社会保障卡") and s.kind == "item" and s.id for s in top)


def test_initials_gj_suggest_housing_fund_terms(suggester: Suggester) -> None:
    texts = _texts(suggester, "gj")
    assert any(t.startswith("公积金") for t in texts)
    assert all(t.startswith(("公积金", "国家")) for t in texts), texts


def test_full_pinyin_shebao_completes_to_shebao_terms(suggester: Suggester) -> None:
    texts = _texts(suggester, "shebao")
    assert texts and all(t.startswith("社保") for t in texts)


def test_longer_full_pinyin_reaches_the_official_card_name(suggester: Suggester) -> None:
    assert _texts(suggester, "shehuibaozhang")[0].startswith("社会保障卡")


def test_upper_case_and_spaced_pinyin_match_like_lower_case(suggester: Suggester) -> None:
    assert _texts(suggester, "SHE BAO") == _texts(suggester, "shebao")


def test_hanzi_prefix_suggests_passport_entries(suggester: Suggester) -> None:
    found = suggester.suggest("护照")
    assert found and all(s.text.startswith("护照") and s.kind == "item" for s in found)


def test_traditional_hanzi_match_their_simplified_titles(suggester: Suggester) -> None:
    assert _texts(suggester, "護照") == _texts(suggester, "护照")


def test_infix_fallback_finds_motor_vehicle_driving_licence_items(suggester: Suggester) -> None:
    found = suggester.suggest("驾驶证")
    assert found[0].text.startswith("驾驶证")  # prefix matches still come first
    infix = [s for s in found if s.text.startswith("机动车驾驶证")]
    assert infix and all(s.kind == "item" and s.id for s in infix)


@pytest.mark.parametrize(
    ("infix", "expected"),
    [
        pytest.param("驾驶证补", ["机动车驾驶证补领"], id="four-characters"),
        pytest.param("驾驶证有效期满", ["机动车驾驶证有效期满换证"], id="seven-characters"),
        pytest.param("驾驶证有效期短", [], id="differs-after-the-packed-key"),
    ],
)
def test_an_infix_longer_than_the_packed_key_is_checked_in_full(
    suggester: Suggester, infix: str, expected: list[str]
) -> None:
    assert _texts(suggester, infix) == expected


def test_full_pinyin_reads_polyphones_by_phrase() -> None:
    suggester = Suggester(
        [SuggestEntry("银行开户", "item", 1.0), SuggestEntry("重新办理", "item", 1.0)]
    )
    assert _texts(suggester, "yinhang") == ["银行开户"]  # 行 read hang, not xing
    assert _texts(suggester, "chongx") == ["重新办理"]  # 重 read chong, not zhong


def test_apps_are_suggested_with_their_id(suggester: Suggester) -> None:
    found = suggester.suggest("粤省")
    assert found[0].text == "粤省事" and found[0].kind == "app" and found[0].id


@pytest.mark.parametrize("size", [1, 3, 8, 20])
@pytest.mark.parametrize("prefix", ["社", "sh", "jd", "证明", "shenfenzheng"])
def test_results_are_at_most_size_and_never_repeat_a_text(
    suggester: Suggester, prefix: str, size: int
) -> None:
    texts = _texts(suggester, prefix, size)
    assert texts and len(texts) <= size and len(set(texts)) == len(texts)


def test_an_item_name_offered_in_several_regions_is_suggested_once(suggester: Suggester) -> None:
    texts = _texts(suggester, "普通护照签发", 20)
    assert texts.count("普通护照签发（首次申请）") == 1


def test_scores_decrease_down_the_list(suggester: Suggester) -> None:
    scores = [s.score for s in suggester.suggest("驾驶证", 20)]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("prefix", ["", "   ", "\u3000", "s", "Ｓ", "，"])
def test_blank_one_letter_and_punctuation_prefixes_suggest_nothing(
    suggester: Suggester, prefix: str
) -> None:
    assert suggester.suggest(prefix) == []


def test_identical_texts_merge_into_the_heaviest_entry() -> None:
    suggester = Suggester(
        [
            SuggestEntry("办护照", "query", 2.0),
            SuggestEntry("办护照", "item", 0.8),
            SuggestEntry("辦護照", "synonym", 0.5),
            SuggestEntry("办理护照", "item", 1.0, "x1"),
        ]
    )
    found = suggester.suggest("办")
    assert [(s.text, s.kind) for s in found] == [("办护照", "query"), ("办理护照", "item")]


def test_hanzi_matches_rank_above_pinyin_and_initials_regardless_of_weight() -> None:
    suggester = Suggester(
        [
            SuggestEntry("ba交通", "query", 0.1),  # the text itself starts with ba
            SuggestEntry("八达", "item", 0.2),  # pinyin bada
            SuggestEntry("不安", "item", 9.0),  # pinyin buan, initials ba
        ]
    )
    assert _texts(suggester, "ba") == ["ba交通", "八达", "不安"]
    assert _texts(suggester, "bua") == ["不安"]


def test_an_empty_suggester_suggests_nothing() -> None:
    assert Suggester([]).suggest("社保") == []
