"""The Elasticsearch lexical backend.

Tests marked `es` need a real 8.x server and run only when ES_URL is set
(`ES_URL=http://localhost:9200 pytest -m es`); each uses its own index and deletes it.
The others need no server and always run.
"""

from __future__ import annotations

import os
import socket
import sys
import uuid
from collections.abc import Iterator

import pytest

from zwfw.core.errors import BackendUnavailable, MissingDependency
from zwfw.core.records import doc_key
from zwfw.search.fields import IndexDoc
from zwfw.search.lexical.elasticsearch import ElasticsearchIndex, to_es_query
from zwfw.search.lexical.protocol import Clause, LexicalQuery

ES_URL = os.environ.get("ES_URL")

# Only the tests that talk to a server carry the `es` marker, so `pytest -m "not es"` still
# runs the server-free ones.
needs_es = pytest.mark.es
skip_without_es = pytest.mark.skipif(
    not ES_URL, reason="ES_URL is not set: these tests need a running Elasticsearch 8.x"
)


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


@pytest.fixture
def index_name() -> str:
    return f"zwfw-test-{uuid.uuid4().hex}"


@pytest.fixture
def es_index(index_name: str) -> Iterator[ElasticsearchIndex]:
    """A fresh, uniquely named index that is deleted afterwards, whatever the test did."""
    assert ES_URL is not None
    elasticsearch = pytest.importorskip("elasticsearch")
    name = index_name
    index = ElasticsearchIndex(ES_URL, name)
    try:
        yield index
    finally:
        index.close()
        admin = elasticsearch.Elasticsearch(ES_URL)
        try:
            admin.indices.delete(index=name, ignore_unavailable=True)
        finally:
            admin.close()


# --- server-free -------------------------------------------------------------------------


def test_constructing_without_the_client_package_names_the_pip_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "elasticsearch", None)
    with pytest.raises(MissingDependency) as info:
        ElasticsearchIndex("http://localhost:9200", "x")
    assert "pip install 'zwfw[es]'" in info.value.message


def test_a_query_becomes_boosted_should_clauses_and_or_within_field_filters() -> None:
    query = LexicalQuery(
        clauses=(
            Clause("title_words", ("公积金", "提取", "公积金"), boost=3.0),
            Clause("title_pinyin", ("GongJiJin",), boost=0.5),
            Clause("body_grams", ()),
            Clause("title_grams", ("公",), boost=0.2, required=False),
        ),
        filters={"region": ["440000", "440100"], "kind": ["item"], "audience": []},
        limit=10,
    )
    words = [{"term": {"title_words": {"value": t}}} for t in ("公积金", "提取")]
    pinyin = [{"term": {"title_pinyin": {"value": "gongjijin"}}}]
    assert to_es_query(query) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"bool": {"should": words, "boost": 3.0}},
                            {"bool": {"should": pinyin, "boost": 0.5}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": [
                {"bool": {"should": [{"term": {"title_grams": {"value": "公"}}}], "boost": 0.2}}
            ],
            "filter": [{"terms": {"region": ["440000", "440100"]}}, {"terms": {"kind": ["item"]}}],
        }
    }


def test_a_query_without_filters_has_no_filter_section() -> None:
    es_query = to_es_query(words_query("护照"))
    assert es_query is not None
    assert "filter" not in es_query["bool"]


def test_a_query_with_no_terms_translates_to_nothing() -> None:
    assert to_es_query(LexicalQuery(clauses=())) is None
    assert to_es_query(words_query()) is None


def test_an_unreachable_server_raises_backend_unavailable_naming_url_and_index() -> None:
    pytest.importorskip("elasticsearch")
    with socket.socket() as sock:  # a port that nothing listens on once the socket closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(BackendUnavailable) as info:
        ElasticsearchIndex(f"http://elastic:secret@127.0.0.1:{port}", "zwfw-unreachable")
    message = info.value.message
    assert f"http://127.0.0.1:{port}" in message
    assert "zwfw-unreachable" in message
    assert "secret" not in message


# --- against a real server (ES_URL) ------------------------------------------------------


@needs_es
@skip_without_es
def test_the_document_matching_more_terms_ranks_first(es_index: ElasticsearchIndex) -> None:
    es_index.upsert(
        [
            make_doc("1", ["公积金", "查询"]),
            make_doc("2", ["公积金", "提取"]),
            make_doc("3", ["护照", "签发"]),
        ]
    )
    es_index.commit()
    hits = es_index.search(words_query("公积金", "提取"))
    assert [h.key for h in hits] == ["item:2", "item:1"]
    assert hits[0].score > hits[1].score > 0


@needs_es
@skip_without_es
def test_text_fields_match_case_insensitively(es_index: ElasticsearchIndex) -> None:
    es_index.upsert([make_doc("1", ["公积金"], pinyin=("GongJiJin",))])
    es_index.commit()
    query = LexicalQuery(clauses=(Clause("title_pinyin", ("gongjijin",)),))
    assert [h.key for h in es_index.search(query)] == ["item:1"]


@needs_es
@skip_without_es
def test_filters_restrict_results_by_region_and_kind(es_index: ElasticsearchIndex) -> None:
    es_index.upsert(
        [
            make_doc("gz", ["社保"], regions=("440000", "440100")),
            make_doc("sz", ["社保"], regions=("440000", "440300")),
            make_doc("gz", ["社保"], kind="faq", regions=("440000", "440100")),
        ]
    )
    es_index.commit()

    def keys(**filters: list[str]) -> set[str]:
        return {h.key for h in es_index.search(words_query("社保", **filters))}

    assert keys() == {"item:gz", "item:sz", "faq:gz"}
    assert keys(region=["440100"]) == {"item:gz", "faq:gz"}
    assert keys(region=["440100", "440300"]) == {"item:gz", "item:sz", "faq:gz"}
    assert keys(kind=["faq"]) == {"faq:gz"}
    assert keys(region=["440300"], kind=["item"]) == {"item:sz"}
    assert keys(region=["440300"], kind=["faq"]) == set()


@needs_es
@skip_without_es
def test_delete_removes_documents_and_ignores_unknown_keys(
    es_index: ElasticsearchIndex,
) -> None:
    es_index.upsert([make_doc("1", ["护照"]), make_doc("2", ["护照"])])
    es_index.commit()
    es_index.delete(["item:1", "item:never-indexed"])
    es_index.commit()
    assert es_index.count() == 1
    assert [h.key for h in es_index.search(words_query("护照"))] == ["item:2"]


@needs_es
@skip_without_es
def test_upserting_the_same_key_replaces_the_document(es_index: ElasticsearchIndex) -> None:
    es_index.upsert([make_doc("1", ["护照"])])
    es_index.commit()
    es_index.upsert([make_doc("1", ["签证"])])
    es_index.commit()
    assert es_index.count() == 1
    assert es_index.search(words_query("护照")) == []
    assert [h.key for h in es_index.search(words_query("签证"))] == ["item:1"]


@needs_es
@skip_without_es
def test_search_honours_the_limit_and_an_empty_query_returns_nothing(
    es_index: ElasticsearchIndex,
) -> None:
    es_index.upsert([make_doc(str(i), ["护照"]) for i in range(5)])
    es_index.commit()
    limited = LexicalQuery(clauses=(Clause("title_words", ("护照",)),), limit=3)
    assert len(es_index.search(limited)) == 3
    assert es_index.search(LexicalQuery(clauses=())) == []


@needs_es
@skip_without_es
def test_reopening_an_existing_index_keeps_its_documents(
    es_index: ElasticsearchIndex, index_name: str
) -> None:
    assert ES_URL is not None
    es_index.upsert([make_doc("1", ["护照"])])
    es_index.commit()
    again = ElasticsearchIndex(ES_URL, index_name)
    try:
        assert again.count() == 1
    finally:
        again.close()
