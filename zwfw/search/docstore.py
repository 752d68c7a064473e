"""SQLite store of the canonical records, keyed by `kind:id`, with the integer vector ids and
a hash of the text each vector was encoded from (so unchanged text keeps its vector)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from zwfw.core.records import Record, doc_key, parse_record, record_to_dict

_PARSED_CACHE = 50_000
_KIND_ORDER = ("item", "app", "faq", "policy")
_SPAN = 1 << 40


def vid_range(kind: str) -> tuple[int, int]:
    """Each kind owns a half-open range of vector ids, so a kind filter is an id-range filter."""
    base = _KIND_ORDER.index(kind) * _SPAN
    return base, base + _SPAN


_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    vid INTEGER NOT NULL UNIQUE,
    data TEXT NOT NULL,
    hash TEXT
);
CREATE INDEX IF NOT EXISTS docs_kind ON docs(kind);
"""
# Replacing a key keeps the row and swaps vid and data. A vid that another key already holds
# is an error (UNIQUE), never a silent replacement of that other document.
_UPSERT = (
    "INSERT INTO docs(key, kind, vid, data, hash) VALUES (?,?,?,?,?) ON CONFLICT(key) DO UPDATE"
    " SET kind=excluded.kind, vid=excluded.vid, data=excluded.data, hash=excluded.hash"
)
Row = tuple[Record, int, str | None]  # a record, its vector id, its passage hash


class DocStore:
    """Records by key and by vector id. One connection shared under a lock (check_same_thread off):
    reads are short point lookups, and the API serves them from a thread pool."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._add_hash_column()
        self._lock = threading.Lock()
        # Parsed records by key: validation costs more than the SQLite lookup itself, and
        # the same popular records come back query after query. Cleared on every write.
        self._parsed: dict[str, Record] = {}

    def _add_hash_column(self) -> None:
        """Builds from before passage hashes get the column (NULL: re-encoded once)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(docs)")}
        if "hash" not in columns:
            # A read-only copy stays as it is: reads never need the hash.
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute("ALTER TABLE docs ADD COLUMN hash TEXT")

    def close(self) -> None:
        self._db.close()

    def count(self, kind: str | None = None) -> int:
        sql, args = (
            ("SELECT COUNT(*) FROM docs WHERE kind=?", (kind,))
            if kind
            else ("SELECT COUNT(*) FROM docs", ())
        )
        with self._lock:
            return int(self._db.execute(sql, args).fetchone()[0])

    def next_vid(self, kind: str) -> int:
        """The next free vector id in the kind's own range (see `vid_range`)."""
        lo, hi = vid_range(kind)
        sql = "SELECT COALESCE(MAX(vid) + 1, ?) FROM docs WHERE vid >= ? AND vid < ?"
        with self._lock:
            return int(self._db.execute(sql, (lo, lo, hi)).fetchone()[0])

    def vid_of(self, key: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT vid FROM docs WHERE key=?", (key,)).fetchone()
        return None if row is None else int(row[0])

    def put(self, rows: Iterable[tuple[Record, int]]) -> None:
        self.apply([(r, vid, None) for r, vid in rows], ())

    def apply(self, rows: Iterable[Row], deletes: Sequence[str] = ()) -> None:
        """Upsert `rows` and delete `deletes` keys in one transaction (all or nothing)."""
        data = [
            (
                doc_key(r.kind, r.id),
                r.kind,
                vid,
                json.dumps(record_to_dict(r), ensure_ascii=False),
                digest,
            )
            for r, vid, digest in rows
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("DELETE FROM docs WHERE key=?", [(k,) for k in deletes])
                self._db.executemany(_UPSERT, data)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._parsed.clear()

    def delete(self, keys: Sequence[str]) -> None:
        self.apply((), keys)

    def hashes(self) -> dict[str, int]:
        """Passage hash → vector id, for reusing vectors of unchanged text."""
        with self._lock:
            rows = self._db.execute("SELECT hash, vid FROM docs WHERE hash IS NOT NULL").fetchall()
        return {h: int(v) for h, v in rows}

    def data(self) -> dict[str, str]:
        """Every key with its record's stored JSON (a rebuild finds what changed)."""
        with self._lock:
            rows = self._db.execute("SELECT key, data FROM docs").fetchall()
        return dict(rows)

    def vids(self) -> dict[str, int]:
        """Every key with its vector id (consistency checks)."""
        with self._lock:
            rows = self._db.execute("SELECT key, vid FROM docs").fetchall()
        return {k: int(v) for k, v in rows}

    def get(self, keys: Sequence[str]) -> dict[str, Record]:
        return {key: rec for key, _, rec in self._rows("key", list(keys))}

    def by_vid(self, vids: Sequence[int]) -> dict[int, Record]:
        return {vid: rec for _, vid, rec in self._rows("vid", [int(v) for v in vids])}

    def iter_all(self) -> Iterator[Record]:
        """Every record, in one query (derived structures read the whole catalogue)."""
        with self._lock:
            rows = self._db.execute("SELECT data FROM docs ORDER BY key").fetchall()
        for (data,) in rows:
            yield parse_record(json.loads(data))

    def iter_kind(self, kind: str) -> Iterator[Record]:
        with self._lock:
            rows = self._db.execute(
                "SELECT data FROM docs WHERE kind=? ORDER BY key", (kind,)
            ).fetchall()
        for (data,) in rows:
            yield parse_record(json.loads(data))

    def _rows(self, column: str, values: list[object]) -> list[tuple[str, int, Record]]:
        if not values:
            return []
        marks = ",".join("?" * len(values))
        sql = f"SELECT key, vid, data FROM docs WHERE {column} IN ({marks})"
        with self._lock:
            rows = self._db.execute(sql, values).fetchall()
        return [(key, int(vid), self._parse(key, data)) for key, vid, data in rows]

    def _parse(self, key: str, data: str) -> Record:
        record = self._parsed.get(key)
        if record is None:
            record = parse_record(json.loads(data))
            if len(self._parsed) >= _PARSED_CACHE:
                self._parsed.clear()
            self._parsed[key] = record
        return record
