"""The lexical-backend contract, run against every backend from the same tests.

tantivy always runs. Elasticsearch runs when ES_URL points at a real 8.x server
(`ES_URL=http://localhost:9200 pytest -m es`); each ES test uses its own index and deletes it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lexical_docs import make_doc, words_query

from zwfw.search.lexical import LexicalIndex
from zwfw.search.lexical.embedded import TantivyIndex
from zwfw.search.lexical.protocol import Clause, LexicalQuery

ES_URL = os.environ.get("ES_URL")

Opener = Callable[[], LexicalIndex]


def _tantivy(tmp_path: Path) -> Iterator[Opener]:
    opened: list[LexicalIndex] = []

    def open_() -> LexicalIndex:
        opened.append(TantivyIndex(tmp_path / "lexical"))
        return opened[-1]

    yield open_
    for index in opened:
        index.close()


def _elasticsearch() -> Iterator[Opener]:
    assert ES_URL is not None
    elasticsearch = pytest.importorskip("elasticsearch")
    from zwfw.search.lexical.elasticsearch import ElasticsearchIndex, EsOptions

    name = f"zwfw-test-{uuid.uuid4().hex}"
    opened: list[LexicalIndex] = []

    def open_() -> LexicalIndex:
        # Three shards: the contract must hold on a distributed index, IDF included.
        opened.append(ElasticsearchIndex(ES_URL, name, EsOptions(shards=3, replicas=0)))
        return opened[-1]

    yield open_
    for index in opened:
        index.close()
    admin = elasticsearch.Elasticsearch(ES_URL)
    try:
        admin.indices.delete(index=name, ignore_unavailable=True)
    finally:
        admin.close()


@pytest.fixture(
    params=[
        pytest.param("tantivy", id="tantivy"),
        pytest.param(
            "elasticsearch",
            id="elasticsearch",
            marks=[
                pytest.mark.es,
                pytest.mark.skipif(
                    not ES_URL, reason="ES_URL is not set: needs a running Elasticsearch 8.x"
                ),
            ],
        ),
    ]
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens (and reopens) one fresh index of the backend under test."""
    if request.param == "tantivy":
        yield from _tantivy(tmp_path)
    else:
        yield from _elasticsearch()


@pytest.fixture
def index(opener: Opener) -> LexicalIndex:
    return opener()


def test_the_document_matching_more_terms_ranks_first(index: LexicalIndex) -> None:
    index.upsert(
        [
            make_doc("1", ["公积金", "查询"]),
            make_doc("2", ["公积金", "提取"]),
            make_doc("3", ["护照", "签发"]),
        ]
    )
    index.commit()
    hits = index.search(words_query("公积金", "提取"))
    assert [h.key for h in hits] == ["item:2", "item:1"]
    assert hits[0].score > hits[1].score > 0


def test_writes_are_invisible_until_commit(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["护照"])])
    assert index.search(words_query("护照")) == []
    index.commit()
    assert [h.key for h in index.search(words_query("护照"))] == ["item:1"]


def test_text_fields_match_case_insensitively(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["公积金"], pinyin=("gongjijin",))])
    index.commit()
    query = LexicalQuery(clauses=(Clause("title_pinyin", ("gongjijin",)),))
    assert [h.key for h in index.search(query)] == ["item:1"]


def test_filters_restrict_results_by_region_and_kind(index: LexicalIndex) -> None:
    index.upsert(
        [
            make_doc("gz", ["社保"], regions=("440000", "440100")),
            make_doc("sz", ["社保"], regions=("440000", "440300")),
            make_doc("gz", ["社保"], kind="faq", regions=("440000", "440100")),
        ]
    )
    index.commit()

    def keys(**filters: list[str]) -> set[str]:
        return {h.key for h in index.search(words_query("社保", **filters))}

    assert keys() == {"item:gz", "item:sz", "faq:gz"}
    assert keys(region=["440100"]) == {"item:gz", "faq:gz"}
    assert keys(region=["440100", "440300"]) == {"item:gz", "item:sz", "faq:gz"}
    assert keys(kind=["faq"]) == {"faq:gz"}
    assert keys(region=["440300"], kind=["item"]) == {"item:sz"}
    assert keys(region=["440300"], kind=["faq"]) == set()


def test_an_optional_clause_adds_score_but_never_matches_alone(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["护照", "签发"]), make_doc("2", ["签发"])])
    index.commit()
    query = LexicalQuery(
        clauses=(Clause("title_words", ("护照",)), Clause("title_words", ("签发",), required=False))
    )
    assert [h.key for h in index.search(query)] == ["item:1"]


def test_delete_removes_documents_and_ignores_unknown_keys(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["护照"]), make_doc("2", ["护照"])])
    index.commit()
    index.delete(["item:1", "item:never-indexed"])
    index.commit()
    assert index.count() == 1
    assert [h.key for h in index.search(words_query("护照"))] == ["item:2"]


def test_upserting_the_same_key_replaces_the_document(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["护照"])])
    index.commit()
    index.upsert([make_doc("1", ["签证"])])
    index.commit()
    assert index.count() == 1
    assert index.search(words_query("护照")) == []
    assert [h.key for h in index.search(words_query("签证"))] == ["item:1"]


def test_search_honours_the_limit_and_an_empty_query_returns_nothing(
    index: LexicalIndex,
) -> None:
    index.upsert([make_doc(str(i), ["护照"]) for i in range(5)])
    index.commit()
    limited = LexicalQuery(clauses=(Clause("title_words", ("护照",)),), limit=3)
    assert len(index.search(limited)) == 3
    assert index.search(LexicalQuery(clauses=())) == []


def test_reopening_an_existing_index_keeps_its_documents(opener: Opener) -> None:
    first = opener()
    first.upsert([make_doc("1", ["护照"])])
    first.commit()
    first.close()
    assert opener().count() == 1


def test_publishing_a_build_never_fails_and_keeps_it_searchable(index: LexicalIndex) -> None:
    index.upsert([make_doc("1", ["护照"])])
    index.commit()
    index.publish()
    assert [h.key for h in index.search(words_query("护照"))] == ["item:1"]
