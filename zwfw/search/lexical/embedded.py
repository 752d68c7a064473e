"""The embedded lexical backend: tantivy over tokens that zwfw produces itself.

tantivy has no Chinese tokenizer, so every text field holds space-joined tokens from
`search.fields` and uses tantivy's `whitespace` tokenizer; queries are built from
`term_query`/`boolean_query`, never `parse_query`, which would re-tokenise user text.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import tantivy

from zwfw.core.errors import BackendUnavailable
from zwfw.search.fields import FILTER_FIELDS, TEXT_FIELDS, IndexDoc
from zwfw.search.lexical.protocol import LexicalHit, LexicalQuery

# Postings this short are cheap to score whatever their share: on a small catalogue the
# df cutoff leaves every term in (a 0.2-document cutoff on 10 items would drop them all).
CHEAP_POSTINGS = 1_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    for name in FILTER_FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="raw")
    return builder.build()


class TantivyIndex:
    """One tantivy index directory. A single writer lives here; readers reload on commit."""

    def __init__(
        self,
        path: Path,
        heap_bytes: int = 64_000_000,
        optional_df_cutoff: float = 1.0,
        cheap_postings: int = CHEAP_POSTINGS,
    ) -> None:
        path.mkdir(parents=True, exist_ok=True)
        try:
            self._index = tantivy.Index(_schema(), path=str(path), reuse=True)
        except ValueError as exc:
            raise BackendUnavailable(f"cannot open tantivy index at {path}: {exc}") from exc
        self._heap = heap_bytes
        self._cutoff, self._cheap = optional_df_cutoff, cheap_postings
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._index.reload()

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=self._heap, num_threads=1)
            except ValueError as exc:  # LockBusy: another process holds the writer
                raise BackendUnavailable(
                    f"tantivy index is locked by another writer: {exc}"
                ) from exc
        return self._writer

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        with self._lock:
            writer = self._w()
            for doc in docs:
                writer.delete_documents_by_term("key", doc.key)
                fields: dict[str, object] = {"key": doc.key}
                fields.update({k: " ".join(v) for k, v in doc.text.items()})
                fields.update({k: v for k, v in doc.filters.items() if v})
                writer.add_document(tantivy.Document(**fields))

    def delete(self, keys: Sequence[str]) -> None:
        with self._lock:
            writer = self._w()
            for key in keys:
                writer.delete_documents_by_term("key", key)

    def commit(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
                self._writer.wait_merging_threads()
                self._writer = None  # release the lock so a CLI or another process may write
            self._index.reload()

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def publish(self) -> None:
        """Nothing to do: a tantivy index lives in its build directory, which CURRENT names."""

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()
                self._writer = None

    def search(self, query: LexicalQuery) -> list[LexicalHit]:
        searcher = self._index.searcher()
        tq = self._to_tantivy(query, searcher)
        if tq is None:
            return []
        result = searcher.search(tq, limit=query.limit)
        return [
            LexicalHit(key=searcher.doc(addr)["key"][0], score=float(score))
            for score, addr in result.hits
        ]

    def _to_tantivy(self, query: LexicalQuery, searcher: tantivy.Searcher) -> tantivy.Query | None:
        schema = self._index.schema
        required: list[tuple[tantivy.Occur, tantivy.Query]] = []
        optional: list[tuple[tantivy.Occur, tantivy.Query]] = []
        most = max(self._cutoff * searcher.num_docs, self._cheap)
        for clause in query.clauses:
            terms = [
                tantivy.Query.term_query(schema, clause.field, t)
                for t in dict.fromkeys(clause.terms)
                if clause.required or searcher.doc_freq(clause.field, t) <= most
            ]
            if not terms:
                continue
            inner = tantivy.Query.boolean_query([(tantivy.Occur.Should, t) for t in terms])
            boosted = (tantivy.Occur.Should, tantivy.Query.boost_query(inner, clause.boost))
            (required if clause.required else optional).append(boosted)
        if not required:
            return None
        parts = [(tantivy.Occur.Must, tantivy.Query.boolean_query(required)), *optional]
        for name, values in query.filters.items():
            if values:
                any_of = [
                    (tantivy.Occur.Should, tantivy.Query.term_query(schema, name, v))
                    for v in values
                ]
                parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(any_of)))
        return tantivy.Query.boolean_query(parts)
