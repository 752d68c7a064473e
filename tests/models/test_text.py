from __future__ import annotations

from zwfw.models import Segmenter, char_grams, initials, joined, normalize, syllables


def test_normalise_folds_traditional_and_full_width_characters() -> None:
    assert normalize("醫師執業註冊　ＡＢＣ１２３") == "医师执业注册 abc123"


def test_the_government_dictionary_keeps_service_terms_whole(segmenter: Segmenter) -> None:
    assert segmenter.words("社会保障卡补领") == ["社会保障卡", "补领"]
    assert "往来港澳通行证" in segmenter.words("往来港澳通行证签注")


def test_function_words_are_dropped_but_meaning_words_stay(segmenter: Segmenter) -> None:
    words = segmenter.words("请问我想办理护照需要什么")
    assert "护照" in words
    assert "请问" not in words and "什么" not in words


def test_char_grams_hold_unigrams_and_bigrams_within_hanzi_runs() -> None:
    assert char_grams("护照 abc") == ["护", "照", "护照", "abc"]


def test_pinyin_reads_polyphones_from_phrases() -> None:
    assert syllables("银行") == ["yin", "hang"]
    assert syllables("重庆") == ["chong", "qing"]
    assert syllables("会计") == ["kuai", "ji"]


def test_initials_and_joined_pinyin_of_a_service_name() -> None:
    assert initials("社保卡") == "sbk"
    assert joined("护照补办") == "huzhaobuban"


def test_cached_word_readings_equal_pypinyin_and_are_not_shared_lists() -> None:
    """Short texts come from a cache: the reading must be pypinyin's, and a caller that
    changes the returned list must not change what the next caller gets."""
    import re

    from pypinyin import lazy_pinyin

    from zwfw.models.pinyin import syllables

    for text in ("银行", "社保卡", "重庆市长江大桥", "护照ab补办"):
        expected = [s for run in re.findall(r"[\u3400-\u9fff]+", text) for s in lazy_pinyin(run)]
        first = syllables(text)
        assert first == expected
        first.append("mutated")
        assert syllables(text) == expected
