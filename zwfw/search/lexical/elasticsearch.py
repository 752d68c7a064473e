"""The Elasticsearch lexical backend: the same contract and the same tokens as tantivy.

Why it looks the way it does:
- zwfw segments Chinese text itself (`search.fields`) and indexes space-joined tokens, so every
  text field uses the `whitespace` tokenizer plus `lowercase`; ES never re-segments anything.
  Queries are `term` queries, never `match`/`query_string`, which would analyse user text again.
- Results must match the embedded backend, so a `LexicalQuery` maps one-to-one onto a `bool`
  query (see `to_es_query`), scored by ES's default BM25. An index has several shards (a
  setting), and searches run as `dfs_query_then_fetch`, so IDF is computed over the whole
  index rather than per shard: a shard holding few 社保 documents must not rank them higher.
- Each build writes its own index; `publish()` moves the serving alias (the prefix) to it in
  one `update_aliases` call, so every client of the alias switches at the same instant.
- Every call has a timeout (searches short, bulk long); bulk chunks rejected with 429 are
  retried with back-off. An unreachable cluster is a `BackendUnavailable` (HTTP 503) within
  the search timeout, never a hang.
- Writes become visible on `commit()` (an index refresh), exactly as with tantivy.
- The `elasticsearch` client is optional (`pip install 'zwfw[es]'`) and is imported lazily; its
  major version must match the server's (the 9.x client fails against 8.x servers).
- Every client exception is turned into `BackendUnavailable` here, naming the URL (without
  credentials) and the index, so callers never handle raw client errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from zwfw.core.errors import BackendUnavailable, ConfigError, MissingDependency
from zwfw.search.fields import FILTER_FIELDS, TEXT_FIELDS, IndexDoc
from zwfw.search.lexical.protocol import LexicalHit, LexicalQuery

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

_ANALYZER = "zwfw_tokens"
_MAX_DETAIL = 300  # characters of the client's error kept in our message


def index_body(shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings of a zwfw lexical index (the ES twin of tantivy's `_schema`)."""
    properties: dict[str, Any] = {"key": {"type": "keyword"}}
    for name in TEXT_FIELDS:
        properties[name] = {"type": "text", "analyzer": _ANALYZER}
    for name in FILTER_FIELDS:
        properties[name] = {"type": "keyword"}  # a list value indexes every element
    return {
        "settings": {
            # Several shards are fine: searches use dfs_query_then_fetch for global IDF.
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "analysis": {
                "analyzer": {
                    _ANALYZER: {
                        "type": "custom",
                        "tokenizer": "whitespace",
                        "filter": ["lowercase"],
                    }
                }
            },
        },
        # strict: a field the code does not know about is a bug, not something to guess a type for.
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def to_es_query(query: LexicalQuery) -> dict[str, Any] | None:
    """The ES query DSL for `query`, or None when no clause has a term (nothing can score).

    Each clause becomes a boosted `bool.should` of `term` queries (any term may match, as in
    tantivy); at least one clause must match. Filters are non-scoring `terms` queries: OR within
    a field, AND across fields. Terms are lowercased because the index analyser lowercases and
    `term` queries are not analysed; duplicates are dropped so they do not add score twice.
    """
    should: list[dict[str, Any]] = []
    optional: list[dict[str, Any]] = []
    for clause in query.clauses:
        terms = list(dict.fromkeys(t.lower() for t in clause.terms))
        if not terms:
            continue
        (should if clause.required else optional).append(
            {
                "bool": {
                    "should": [{"term": {clause.field: {"value": t}}} for t in terms],
                    "boost": clause.boost,
                }
            }
        )
    if not should:
        return None
    body: dict[str, Any] = {"must": [{"bool": {"should": should, "minimum_should_match": 1}}]}
    if optional:
        body["should"] = optional
    filters = [{"terms": {name: list(values)}} for name, values in query.filters.items() if values]
    if filters:
        body["filter"] = filters
    return {"bool": body}


def _redact(url: str) -> str:
    """`url` without user:password, so credentials never reach logs or API error bodies."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _detail(exc: BaseException) -> str:
    """A short, readable cause: the ES error type for API errors, the first failed bulk item."""
    errors = getattr(exc, "errors", None)  # helpers.BulkIndexError
    if isinstance(errors, list) and errors:
        first: Any = errors[0]  # {"index": {"_id": ..., "status": ..., "error": {...}}}
        item: Any = next(iter(first.values()), None) if isinstance(first, dict) else None
        cause: Any = first
        if isinstance(item, dict):  # the item echoes the document as "data": keep it out
            cause = item.get("error") or {k: v for k, v in item.items() if k != "data"}
        text = f"{len(errors)} bulk item(s) failed; first: {cause}"
    elif hasattr(exc, "meta") and hasattr(exc, "error"):  # ApiError
        body: Any = getattr(exc, "body", None)
        error: Any = body.get("error") if isinstance(body, dict) else None
        reason = error.get("reason") if isinstance(error, dict) else None
        text = f"HTTP {exc.meta.status} {exc.error}" + (f": {reason}" if reason else "")
    else:
        text = str(exc) or type(exc).__name__
    return text[:_MAX_DETAIL]


@dataclass(frozen=True)
class EsOptions:
    """Cluster-side choices for one index; the defaults suit a single-node test server."""

    alias: str | None = None  # the serving alias `publish()` moves; None: never published
    shards: int = 1
    replicas: int = 0
    timeout: float = 2.0  # seconds, for searches, counts, refreshes and admin calls
    bulk_timeout: float = 60.0
    bulk_retries: int = 3


class ElasticsearchIndex:
    """One ES index holding the IndexDocs of one build; created with our mapping if missing."""

    def __init__(self, url: str, index_name: str, options: EsOptions | None = None) -> None:
        self._options = options or EsOptions()
        try:
            import elasticsearch
            from elasticsearch import helpers
        except ImportError as exc:
            raise MissingDependency("elasticsearch", "es") from exc
        self._helpers = helpers
        self._index = index_name
        self._where = _redact(url)
        # Caught at this edge only: transport failures (connection, timeout, serialisation),
        # HTTP errors returned by ES, and per-document failures reported by bulk.
        self._client_errors: tuple[type[BaseException], ...] = (
            elasticsearch.ApiError,
            elasticsearch.TransportError,
            helpers.BulkIndexError,
        )
        self._already_exists = elasticsearch.BadRequestError
        try:
            # One retry at most, and none after a timeout: a dead cluster must fail within
            # about one timeout, so the API answers 503 instead of queueing requests.
            self._client: Elasticsearch = elasticsearch.Elasticsearch(
                url, request_timeout=self._options.timeout, max_retries=1, retry_on_timeout=False
            )
        except ValueError as exc:  # unparsable URL: a settings problem, not an outage
            raise ConfigError(f"invalid Elasticsearch URL {self._where!r}: {exc}") from exc
        try:
            self._ensure_index()
        except BaseException:
            self._client.close()
            raise

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Re-raise client exceptions as BackendUnavailable naming the URL and the index."""
        try:
            yield
        except self._client_errors as exc:
            raise BackendUnavailable(
                f"Elasticsearch at {self._where} failed to {action} "
                f"(index {self._index!r}): {_detail(exc)}"
            ) from exc

    def _ensure_index(self) -> None:
        """Create the index with our mapping unless it exists; tolerate a concurrent creator."""
        with self._guard("create the index"):
            if self._client.indices.exists(index=self._index):
                return
            try:
                body = index_body(self._options.shards, self._options.replicas)
                self._client.indices.create(index=self._index, **body)
            except self._already_exists as exc:
                if exc.error != "resource_already_exists_exception":
                    raise

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Index docs by `_id = key`; `index` replaces a whole document, like tantivy's upsert."""
        if not docs:
            return
        with self._guard("index documents"):
            self._helpers.bulk(
                self._bulk_client(), (self._action(doc) for doc in docs), **self._bulk_args()
            )

    def _action(self, doc: IndexDoc) -> dict[str, Any]:
        source: dict[str, Any] = {"key": doc.key}
        source.update({k: " ".join(v) for k, v in doc.text.items()})
        source.update({k: v for k, v in doc.filters.items() if v})
        return {"_op_type": "index", "_index": self._index, "_id": doc.key, "_source": source}

    def delete(self, keys: Sequence[str]) -> None:
        """Delete docs by key; deleting a key that is not indexed is not an error (404 ignored)."""
        if not keys:
            return
        actions = ({"_op_type": "delete", "_index": self._index, "_id": key} for key in keys)
        with self._guard("delete documents"):
            self._helpers.bulk(
                self._bulk_client(), actions, ignore_status=(404,), **self._bulk_args()
            )

    def _bulk_client(self) -> Elasticsearch:
        return self._client.options(request_timeout=self._options.bulk_timeout)

    def _bulk_args(self) -> dict[str, Any]:
        """429-rejected chunks are retried with back-off (0.5 s, 1 s, 2 s …), then fail."""
        return {
            "refresh": False,
            "max_retries": self._options.bulk_retries,
            "initial_backoff": 0.5,
            "chunk_size": 500,
        }

    def commit(self) -> None:
        """Refresh the index so that writes so far become visible to search and count."""
        with self._guard("refresh the index"):
            self._client.indices.refresh(index=self._index)

    def search(self, query: LexicalQuery) -> list[LexicalHit]:
        """Top `query.limit` keys by BM25 score, best first; [] when there is nothing to score."""
        es_query = to_es_query(query)
        if es_query is None or query.limit <= 0:
            return []
        with self._guard("search"):
            resp = self._client.search(
                index=self._index,
                query=es_query,
                size=query.limit,
                source=False,  # only _id and _score are needed
                track_total_hits=False,
                search_type="dfs_query_then_fetch",  # global IDF across shards
            )
        return [
            LexicalHit(key=str(hit["_id"]), score=float(hit["_score"]))
            for hit in resp["hits"]["hits"]
        ]

    def count(self) -> int:
        """Number of documents visible to search (as of the last commit)."""
        with self._guard("count documents"):
            resp = self._client.count(index=self._index)
        return int(resp["count"])

    def publish(self) -> None:
        """Point the serving alias at this index, atomically: one `update_aliases` call removes
        it from the previous build's index and adds it here, so no reader of the alias ever
        sees both builds or neither."""
        alias = self._options.alias
        if alias is None:
            return
        with self._guard(f"move the alias {alias!r}"):
            held = self._client.indices.get_alias(name=alias, ignore_unavailable=True)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": name, "alias": alias}} for name in held if name != self._index
            ]
            actions.append({"add": {"index": self._index, "alias": alias}})
            self._client.indices.update_aliases(actions=actions)

    def published(self) -> bool:
        """Whether the serving alias points at this index."""
        alias = self._options.alias
        if alias is None:
            return False
        with self._guard(f"read the alias {alias!r}"):
            held = self._client.indices.get_alias(name=alias, ignore_unavailable=True)
        return self._index in held

    def close(self) -> None:
        """Close the client's connection pool; the index itself stays on the server."""
        self._client.close()
