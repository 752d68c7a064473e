"""When is search's top item a confident match, so that the chat may be about it?

The same evidence `/v1/search` ranks with: the lexical and the vector retriever both put the
item first and its cosine reaches `chat.item_min_cosine`, or the message contains the item's
whole name (an official name typed or pasted). Everything else is a candidate to offer, not
a subject to talk about: a wrong subject costs the citizen more than a question back.

A progress lookup (…进度查询) is confident only for a message that asks about progress, or
names it in full. Nor is an item confident for a message naming a region it does not
serve: 翻译专业资格考试报名，湖南省哪里可以办？ is not answered from Guangdong's guide (the
chat says whose guides there are instead, `foreign_region`).
"""

from __future__ import annotations

from zwfw.core.records import Item
from zwfw.core.regions import ancestors, within
from zwfw.models import base_name, normalize
from zwfw.nav.plausible import coverage
from zwfw.search import Candidate
from zwfw.search.preferences import detect
from zwfw.search.service import PROGRESS_INTENT, PROGRESS_ITEM

__all__ = [
    "asks_lookup",
    "base_name",
    "confident_item",
    "evident_item",
    "foreign_region",
    "is_lookup",
    "named",
    "title_coverage",
]

_MIN_NAME_CHARS = 4


def named(item: Item, text: str) -> bool:
    """True when the message contains the item's whole name (at least four characters)."""
    name = base_name(item.name)
    return len(name) >= _MIN_NAME_CHARS and name in normalize(text)


def title_coverage(item: Item, text: str) -> float:
    """Share of the item name's character bigrams that occur in `text` (0..1)."""
    return coverage(item.name, text)


def foreign_region(item: Item, text: str) -> str | None:
    """The region `text` names when `item` does not serve it (neither in it nor above it)."""
    region = detect(normalize(text)).region
    if region is None or within(item.region_code, region) or item.region_code in ancestors(region):
        return None
    return region


def confident_item(
    found: list[Candidate], text: str, min_cosine: float, analysed: str = ""
) -> Item | None:
    """The top item when it is a confident match for `text` in the region it names;
    `analysed` is the text as query analysis rewrote it (pinyin in hanzi), if at hand."""
    item = evident_item(found, text, min_cosine, analysed)
    return item if item is not None and foreign_region(item, text) is None else None


def evident_item(
    found: list[Candidate], text: str, min_cosine: float, analysed: str = ""
) -> Item | None:
    """The top item when the retrievers' evidence makes it a confident match, wherever the
    message says it is (see `confident_item`)."""
    if not found or not isinstance(found[0].record, Item):
        return None
    top = found[0]
    assert isinstance(top.record, Item)
    if named(top.record, text):
        return top.record
    agree = top.lexical_rank == 1 and top.vector_rank == 1
    asked = f"{text} {analysed}"
    if agree and top.vector_score >= min_cosine and not _unasked_lookup(top.record, asked):
        return top.record
    return None


def _unasked_lookup(item: Item, text: str) -> bool:
    """A progress lookup for a message that does not ask to look anything up: 我要办居住证 is
    not about 居住证办理进度查询, however close the two are (search and navigation put
    lookups last for the same reason)."""
    return is_lookup(item.name) and not asks_lookup(text)


def is_lookup(name: str) -> bool:
    """A progress query (…办证进度查询). Not every name ending in 查询: most are information
    services asked for without 查 (被狗咬了去哪里打狂犬疫苗 → …门诊信息查询)."""
    return PROGRESS_ITEM.search(name) is not None


def asks_lookup(text: str) -> bool:
    """The message asks to look something up (进度, 办好了没, 查…)."""
    return bool(PROGRESS_INTENT.search(text)) or "查" in text
