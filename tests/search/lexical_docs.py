"""Documents and queries shared by the lexical-backend tests."""

from __future__ import annotations

from zwfw.core.records import doc_key
from zwfw.search.fields import IndexDoc
from zwfw.search.lexical.protocol import Clause, LexicalQuery


def make_doc(
    doc_id: str,
    words: list[str],
    *,
    kind: str = "item",
    regions: tuple[str, ...] = ("440000",),
    pinyin: tuple[str, ...] = (),
) -> IndexDoc:
    return IndexDoc(
        key=doc_key(kind, doc_id),
        kind=kind,
        id=doc_id,
        text={"title_words": words, "title_pinyin": list(pinyin)},
        filters={"kind": [kind], "region": list(regions), "department": []},
        passage=" ".join(words),
    )


def words_query(*terms: str, **filters: list[str]) -> LexicalQuery:
    return LexicalQuery(clauses=(Clause("title_words", terms),), filters=filters)
