"""SQLite store of the canonical records, keyed by `kind:id`, with the integer vector ids."""

from __future__ import annotations

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
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_kind ON docs(kind);
"""


class DocStore:
    """Records by key and by vector id. One connection shared under a lock (check_same_thread off):
    reads are short point lookups, and the API serves them from a thread pool."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        # Parsed records by key: validation costs more than the SQLite lookup itself, and
        # the same popular records come back query after query. Cleared on every write.
        self._parsed: dict[str, Record] = {}

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
        data = [
            (doc_key(r.kind, r.id), r.kind, vid, json.dumps(record_to_dict(r), ensure_ascii=False))
            for r, vid in rows
        ]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO docs(key, kind, vid, data) VALUES (?,?,?,?)", data
            )
            self._db.execute("COMMIT")
            self._parsed.clear()

    def delete(self, keys: Sequence[str]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM docs WHERE key=?", [(k,) for k in keys])
            self._parsed.clear()

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
