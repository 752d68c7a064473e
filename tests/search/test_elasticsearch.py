"""The Elasticsearch lexical backend: what is specific to it.

The behaviour both backends share is tested once, in test_lexical_contract.py, against
tantivy always and against Elasticsearch when ES_URL is set. Tests marked `es` need a real 8.x
server (`ES_URL=http://localhost:9200 pytest -m es`); each uses its own index and deletes it.
The others need no server and always run.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lexical_docs import words_query

from zwfw.core.errors import BackendUnavailable, MissingDependency
from zwfw.core.settings import LexicalSettings
from zwfw.search.lexical import create_lexical
from zwfw.search.lexical.elasticsearch import (
    ElasticsearchIndex,
    EsOptions,
    index_body,
    to_es_query,
)
from zwfw.search.lexical.protocol import Clause, LexicalQuery

ES_URL = os.environ.get("ES_URL")

# Only the tests that talk to a server carry the `es` marker, so `pytest -m "not es"` still
# runs the server-free ones.
needs_es = pytest.mark.es
skip_without_es = pytest.mark.skipif(
    not ES_URL, reason="ES_URL is not set: these tests need a running Elasticsearch 8.x"
)


@pytest.fixture
def index_name() -> str:
    return f"zwfw-test-{uuid.uuid4().hex}"


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


def test_an_unreachable_server_fails_within_the_timeout() -> None:
    """A dead cluster must give a 503 quickly, not hold an API worker for retries."""
    pytest.importorskip("elasticsearch")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(BackendUnavailable):
        ElasticsearchIndex(f"http://127.0.0.1:{port}", "zwfw-dead", EsOptions(timeout=1.0))
    assert time.monotonic() - started < 2.0


def test_the_index_body_carries_the_configured_shards_and_replicas() -> None:
    settings = index_body(shards=6, replicas=2)["settings"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == (6, 2)


class _RecordingClient:
    """Stands in for the ES client in server-free tests: records what zwfw sends."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self.kwargs, self.calls = kwargs, []
        self.aliases: dict[str, Any] = {"zwfw-old": {"aliases": {"zwfw": {}}}}
        self.indices = self

    def exists(self, index: str) -> bool:
        return True

    def search(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("search", kwargs))
        return {"hits": {"hits": [{"_id": "item:1", "_score": 2.0}]}}

    def get_alias(self, name: str, ignore_unavailable: bool) -> dict[str, Any]:
        return self.aliases

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.calls.append(("update_aliases", {"actions": actions}))

    def close(self) -> None:
        pass


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[_RecordingClient]]:
    elasticsearch = pytest.importorskip("elasticsearch")
    made: list[_RecordingClient] = []

    def factory(url: str, **kwargs: Any) -> _RecordingClient:
        made.append(_RecordingClient(url, **kwargs))
        return made[-1]

    monkeypatch.setattr(elasticsearch, "Elasticsearch", factory)
    yield made


def test_searches_use_global_term_statistics_and_the_short_timeout(
    recording: list[_RecordingClient],
) -> None:
    index = ElasticsearchIndex("http://es:9200", "zwfw-b2", EsOptions(timeout=1.5))
    assert [h.key for h in index.search(words_query("护照"))] == ["item:1"]
    client = recording[0]
    assert client.kwargs["request_timeout"] == 1.5
    assert client.kwargs["retry_on_timeout"] is False
    assert client.calls[0][1]["search_type"] == "dfs_query_then_fetch"


def test_publishing_moves_the_alias_in_one_atomic_call(
    recording: list[_RecordingClient],
) -> None:
    index = ElasticsearchIndex("http://es:9200", "zwfw-new", EsOptions(alias="zwfw"))
    index.publish()
    name, call = recording[0].calls[-1]
    assert name == "update_aliases"
    assert call["actions"] == [
        {"remove": {"index": "zwfw-old", "alias": "zwfw"}},
        {"add": {"index": "zwfw-new", "alias": "zwfw"}},
    ]


def test_an_index_without_an_alias_is_never_published(
    recording: list[_RecordingClient],
) -> None:
    index = ElasticsearchIndex("http://es:9200", "zwfw-new")
    index.publish()
    assert not [c for c in recording[0].calls if c[0] == "update_aliases"]


def test_the_factory_passes_every_cluster_setting(
    recording: list[_RecordingClient], tmp_path: Path
) -> None:
    settings = LexicalSettings(
        backend="elasticsearch", es_url="http://es:9200", es_shards=4, es_timeout_seconds=1.0
    )
    index = create_lexical(settings, tmp_path / "B1")
    assert isinstance(index, ElasticsearchIndex)
    assert index._options == EsOptions(alias="zwfw", shards=4, replicas=1, timeout=1.0)
    assert index._index == "zwfw-b1"


# --- against a real server (ES_URL) ------------------------------------------------------


@needs_es
@skip_without_es
def test_a_multi_shard_index_is_created_with_the_configured_shards(index_name: str) -> None:
    assert ES_URL is not None
    elasticsearch = pytest.importorskip("elasticsearch")
    index = ElasticsearchIndex(ES_URL, index_name, EsOptions(shards=3, replicas=0))
    admin = elasticsearch.Elasticsearch(ES_URL)
    try:
        got = admin.indices.get_settings(index=index_name)[index_name]["settings"]["index"]
        assert got["number_of_shards"] == "3"
    finally:
        index.close()
        admin.indices.delete(index=index_name, ignore_unavailable=True)
        admin.close()


@needs_es
@skip_without_es
def test_publishing_switches_the_alias_between_builds() -> None:
    assert ES_URL is not None
    elasticsearch = pytest.importorskip("elasticsearch")
    alias = f"zwfw-alias-{uuid.uuid4().hex}"
    first, second = (
        ElasticsearchIndex(ES_URL, f"{alias}-{n}", EsOptions(alias=alias, replicas=0))
        for n in ("a", "b")
    )
    admin = elasticsearch.Elasticsearch(ES_URL)
    try:
        first.publish()
        assert first.published() and not second.published()
        second.publish()
        assert second.published() and not first.published()
    finally:
        for index in (first, second):
            index.close()
        admin.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
        admin.close()
