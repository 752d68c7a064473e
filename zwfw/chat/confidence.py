"""When is search's top item a confident match, so that the chat may be about it?

The same evidence `/v1/search` ranks with: the lexical and the vector retriever both put the
item first and its cosine reaches `chat.item_min_cosine`, or the message contains the item's
whole name (an official name typed or pasted). Everything else is a candidate to offer, not
a subject to talk about: a wrong subject costs the citizen more than a question back.
"""

from __future__ import annotations

from zwfw.core.records import Item
from zwfw.models import base_name, normalize
from zwfw.nav.plausible import coverage
from zwfw.search import Candidate

__all__ = ["base_name", "confident_item", "named", "title_coverage"]

_MIN_NAME_CHARS = 4


def named(item: Item, text: str) -> bool:
    """True when the message contains the item's whole name (at least four characters)."""
    name = base_name(item.name)
    return len(name) >= _MIN_NAME_CHARS and name in normalize(text)


def title_coverage(item: Item, text: str) -> float:
    """Share of the item name's character bigrams that occur in `text` (0..1)."""
    return coverage(item.name, text)


def confident_item(found: list[Candidate], text: str, min_cosine: float) -> Item | None:
    """The top item when it is a confident match for `text`, else None."""
    if not found or not isinstance(found[0].record, Item):
        return None
    top = found[0]
    assert isinstance(top.record, Item)
    agree = top.lexical_rank == 1 and top.vector_rank == 1
    if (agree and top.vector_score >= min_cosine) or named(top.record, text):
        return top.record
    return None
