"""Typo corrections are applied only when the catalogue spells the corrected query out better."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import HashEncoder

from zwfw.core import DocKind, Item
from zwfw.core.settings import Settings
from zwfw.indexer import build_index
from zwfw.models import Segmenter
from zwfw.search import SearchFilters, SearchService, open_current
from zwfw.search.vocab import Vocabulary

ITEMS = SearchFilters(kinds=(DocKind.ITEM,))
NAMES = ["互联网上网服务营业场所网吧设立", "电梯运行安全检查", "社保卡挂失", "社会保障卡补办"]


def _item(number: int, name: str) -> Item:
    return Item(
        id=f"i{number}", name=name, item_type="公共服务", department="市文化广电旅游局",
        region_code="440100", region_name="广州市", level="市级", audiences=("自然人",),
    )  # fmt: skip


@pytest.fixture
def service(tmp_path: Path, segmenter: Segmenter) -> Iterator[SearchService]:
    items = [_item(n, name) for n, name in enumerate(NAMES)]
    settings = Settings(index_dir=tmp_path)
    build_index(items, settings, HashEncoder(), segmenter)
    index = open_current(settings)
    vocab = Vocabulary.from_records(items, segmenter)
    yield SearchService(index, HashEncoder(), segmenter, settings.search, vocab=vocab, fusion=None)
    index.close()


def test_an_unknown_shop_name_is_not_rewritten_into_catalogue_words(
    service: SearchService,
) -> None:
    # 运星 sounds like 运行 (a catalogue word), but no title spells 幸运行网吧 out better.
    q = service.analyze("幸运星网吧")
    assert q.text == "幸运星网吧"
    assert q.corrected_query is None


def test_a_correction_the_catalogue_spells_out_is_applied(service: SearchService) -> None:
    q = service.analyze("设保卡挂失")
    assert q.corrected_query == "社保卡挂失"
    assert service.search("设保卡挂失", ITEMS).hits[0].title == "社保卡挂失"


def test_near_pinyin_finds_exactly_the_keys_a_full_scan_finds(segmenter: Segmenter) -> None:
    """The one-deletion index must find every key within one edit, in the scan's order."""
    from rapidfuzz.distance import Levenshtein

    vocab = Vocabulary.from_records([_item(n, name) for n, name in enumerate(NAMES)], segmenter)
    for sound in ("shebaoka", "shebaok", "shebaokaa", "xhebaoka", "dianti", "wangba", "zzzz"):
        scan = [k for k in vocab.by_pinyin if Levenshtein.distance(k, sound) <= 1]
        assert vocab.near_pinyin(sound) == scan
