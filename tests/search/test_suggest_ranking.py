"""Where in a title the typed text falls. The best prefix matches take the first half of
the list; then prefix matches and matches at the start of a word inside a title rank together
(weight, then shorter first); matches in the middle of a word come last.

The titles are made up; the segmenter is the shipped one, so the word boundaries are the
ones the runtime uses.
"""

from __future__ import annotations

import pytest

from zwfw.models.segment import Segmenter
from zwfw.search.suggest import POPULAR_WEIGHTS, SuggestEntry, Suggester, popular_entries


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def _build(names: list[str], segmenter: Segmenter | None) -> Suggester:
    entries = [SuggestEntry(n, "item", 1.0, f"i{i}") for i, n in enumerate(names)]
    return Suggester(entries, word_starts=segmenter.word_starts if segmenter else None)


LONG_PREFIXED = [f"港澳医师内地医师资格认定（{k}）" for k in "一二三四五六七八九"]


def test_a_short_title_with_the_text_at_a_word_start_follows_the_leading_prefix_matches(
    segmenter: Segmenter,
) -> None:
    suggester = _build([*LONG_PREFIXED, "办理往来港澳通行证"], segmenter)
    texts = [s.text for s in suggester.suggest("港澳", 8)]
    assert set(texts[:4]) <= set(LONG_PREFIXED)  # what starts with the typed text still leads
    assert texts[4] == "办理往来港澳通行证"
    assert len(texts) == 8


@pytest.mark.parametrize("size", [1, 2, 3])
def test_small_lists_keep_the_best_prefix_match_first(segmenter: Segmenter, size: int) -> None:
    suggester = _build([*LONG_PREFIXED, "办理往来港澳通行证"], segmenter)
    texts = [s.text for s in suggester.suggest("港澳", size)]
    assert texts[0] in LONG_PREFIXED and len(texts) == size


def test_without_a_segmenter_prefix_matches_still_come_first() -> None:
    suggester = _build([*LONG_PREFIXED, "办理往来港澳通行证"], None)
    texts = [s.text for s in suggester.suggest("港澳", 8)]
    assert "办理往来港澳通行证" not in texts


def test_one_hanzi_finds_titles_where_it_starts_a_word_but_not_inside_one(
    segmenter: Segmenter,
) -> None:
    suggester = _build(["护士执业注册", "普通护照签发", "救护车使用登记"], segmenter)
    texts = [s.text for s in suggester.suggest("护", 8)]
    assert texts == ["护士执业注册", "普通护照签发"]


def test_a_lighter_prefix_match_never_holds_a_heavier_word_start_match_back(
    segmenter: Segmenter,
) -> None:
    suggester = Suggester(
        [SuggestEntry("护士", "query", 0.5), SuggestEntry("普通护照签发", "item", 1.0, "a")],
        word_starts=segmenter.word_starts,
    )
    found = suggester.suggest("护")
    assert [s.text for s in found] == ["普通护照签发", "护士"]
    assert found[0].score > found[1].score


def test_a_mid_word_match_ranks_after_word_start_matches(segmenter: Segmenter) -> None:
    suggester = _build(["救护车使用", "普通护照签发补领换发"], segmenter)
    assert [s.text for s in suggester.suggest("护", 8)] == ["普通护照签发补领换发"]
    assert [s.text for s in suggester.suggest("护车", 8)] == ["救护车使用"]
    assert [s.text for s in suggester.suggest("护照", 8)] == ["普通护照签发补领换发"]


def test_heavier_entries_rank_first_whatever_the_match_position(segmenter: Segmenter) -> None:
    suggester = Suggester(
        [
            SuggestEntry("护士", "item", 1.0, "a"),
            SuggestEntry("办普通护照", "query", 2.0),
        ],
        word_starts=segmenter.word_starts,
    )
    assert [s.text for s in suggester.suggest("护")] == ["办普通护照", "护士"]


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("普通护照签发", {0, 2, 4}),  # 普通|护照|签发 inside the dictionary word 普通护照
        ("救护车使用", {0, 3}),  # 护车 is a sub-word, but 救|护车 is no split of 救护车
    ],
)
def test_word_starts_are_split_points_of_the_search_mode_segmentation(
    segmenter: Segmenter, text: str, starts: set[int]
) -> None:
    assert set(segmenter.word_starts(text)) == starts


def test_more_frequent_queries_rank_first_but_never_above_an_item_name() -> None:
    popular = popular_entries(["护照丢了怎么补", "护照加急", "护照过期"])  # most frequent first
    assert [e.weight for e in popular] == sorted((e.weight for e in popular), reverse=True)
    suggester = Suggester(
        [
            *reversed(popular),
            SuggestEntry("护照签发", "item", 1.0, "a"),
            SuggestEntry("护照", "item", 0.8),  # a catalogue name
        ]
    )
    texts = [s.text for s in suggester.suggest("护照")]
    assert texts == ["护照签发", "护照丢了怎么补", "护照加急", "护照", "护照过期"]


def test_one_popular_query_gets_the_top_weight() -> None:
    assert [e.weight for e in popular_entries(["社保卡"])] == [POPULAR_WEIGHTS[1]]
