"""How a record becomes an index document: the fields both lexical backends index.

Indexing and querying must analyse text the same way, so this module is the one place that
decides which text goes in which field.
"""

from __future__ import annotations

from dataclasses import dataclass

from zwfw.core.records import App, Item, Policy, Record, doc_key
from zwfw.core.regions import ancestors
from zwfw.models import Segmenter, char_grams, initials, joined, normalize

# Fields holding analysed tokens (space-joined), and fields used only to filter or facet.
TEXT_FIELDS = ("title_grams", "title_words", "body_grams", "title_pinyin", "title_initials")
FILTER_FIELDS = ("kind", "item_type", "region", "department", "audience", "online")


@dataclass(frozen=True)
class IndexDoc:
    key: str
    kind: str
    id: str
    text: dict[str, list[str]]
    filters: dict[str, list[str]]
    passage: str


def title_text(record: Record) -> str:
    """The text that names the document; matches here weigh most."""
    if isinstance(record, Item):
        extra = [record.catalog_name] if record.catalog_name not in ("", record.name) else []
        return " ".join([record.name, *extra, *record.keywords])
    return record.title


def body_text(record: Record) -> str:
    """Secondary text. FAQ answers are left out: indexing them hurt matching in evaluation."""
    if isinstance(record, Item):
        return " ".join([record.department, *record.themes, *record.audiences, record.item_type])
    if isinstance(record, App):
        return " ".join([record.department, record.category, record.description])
    if isinstance(record, Policy):
        return " ".join([record.issuer, record.summary])
    return record.department


def passage_text(record: Record) -> str:
    """The text the sentence encoder embeds: the title plus short context, not long bodies."""
    if isinstance(record, Item):
        return " ".join([title_text(record), record.department, *record.themes])
    if isinstance(record, App):
        return f"{record.name} {record.category} {record.description[:120]}"
    if isinstance(record, Policy):
        return f"{record.title} {record.summary[:120]}"
    return record.question


def _filters(record: Record) -> dict[str, list[str]]:
    region = getattr(record, "region_code", None)
    out: dict[str, list[str]] = {
        "kind": [record.kind],
        "region": ancestors(region) if region else [],
        "department": [record.department] if record.department else [],
    }
    if isinstance(record, Item):
        out["item_type"] = [record.item_type]
        out["audience"] = list(record.audiences)
        out["online"] = ["1" if record.online_available else "0"]
    elif isinstance(record, Policy):
        out["audience"] = ["自然人"] if record.audience == "person" else ["企业法人"]
    return out


def _initials_of_title(title: str, segmenter: Segmenter) -> str:
    """The whole title's initials (社会保障卡补领 → shbzkbl), read token by token so each
    token's reading comes from the word cache: a whole title is rarely seen twice, and
    pypinyin on it cost a quarter of a build. Only a polyphone whose phrase spans two tokens
    could read differently."""
    return "".join(initials(token) for token in segmenter.tokens(title))


def build_doc(record: Record, segmenter: Segmenter) -> IndexDoc:
    title = normalize(title_text(record))
    words = segmenter.search_words(title)
    return IndexDoc(
        key=doc_key(record.kind, record.id),
        kind=record.kind,
        id=record.id,
        text={
            "title_grams": char_grams(title),
            "title_words": words,
            "body_grams": char_grams(normalize(body_text(record))),
            "title_pinyin": sorted({p for p in map(joined, words) if p}),
            "title_initials": sorted(
                {initials(w) for w in words if len(w) > 1} | {_initials_of_title(title, segmenter)}
            ),
        },
        filters=_filters(record),
        passage=normalize(passage_text(record)),
    )
