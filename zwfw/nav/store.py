"""SQLite state of navigation: sessions with a time to live, and administrator-edited bundles
and hints with an append-only history (author, time, before and after).

Reads go to the database on every step, so an edit is live on the next request, in this
process or another; the shipped bundles are seeded once, so a bundle an administrator deleted
stays deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from zwfw.core.errors import InvalidRecord, NotFound
from zwfw.nav.bundles import Bundle, NavHint, parse_bundle, parse_hint, to_dict

Kind = Literal["bundle", "hint"]
Action = Literal["create", "update", "delete"]
SYSTEM_AUTHOR = "system"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS nav_session (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS nav_entity (
    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
    updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS nav_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, entity_id TEXT NOT NULL,
    version INTEGER NOT NULL, action TEXT NOT NULL, author TEXT NOT NULL, at TEXT NOT NULL,
    before TEXT, after TEXT);
CREATE INDEX IF NOT EXISTS nav_history_entity ON nav_history (kind, entity_id, seq);
CREATE TABLE IF NOT EXISTS nav_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class NavChange:
    """One history row; `version` counts every navigation edit, across bundles and hints."""

    kind: Kind
    entity_id: str
    version: int
    action: Action
    author: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class NavStore:
    """Sessions, bundles and hints in the SQLite file at `path` (WAL; one locked connection)."""

    def __init__(self, path: Path, seed: list[Bundle] | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        if seed is not None:
            self._seed(seed)

    def __enter__(self) -> NavStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _seed(self, bundles: list[Bundle]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT value FROM nav_meta WHERE key='seeded'").fetchone()
                if row is None:
                    for bundle in bundles:
                        self._write("bundle", bundle.id, to_dict(bundle), SYSTEM_AUTHOR, "create")
                    self._db.execute("INSERT INTO nav_meta VALUES ('seeded', 1)")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # sessions ----------------------------------------------------------------------------

    def load_session(self, session_id: str) -> dict[str, Any] | None:
        """The session's state, or None when it never existed or its time ran out."""
        now = time.time()
        with self._lock:
            self._db.execute("DELETE FROM nav_session WHERE expires_at < ?", (now,))
            row = self._db.execute(
                "SELECT state FROM nav_session WHERE id=?", (session_id,)
            ).fetchone()
        state: dict[str, Any] | None = json.loads(row[0]) if row else None
        return state

    def save_session(self, session_id: str, state: dict[str, Any], ttl_seconds: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO nav_session VALUES (?,?,?)",
                (session_id, json.dumps(state, ensure_ascii=False), time.time() + ttl_seconds),
            )

    # bundles and hints -------------------------------------------------------------------

    def bundles(self) -> list[Bundle]:
        return [parse_bundle(body) for body in self._bodies("bundle")]

    def hints(self) -> list[NavHint]:
        return [parse_hint(body) for body in self._bodies("hint")]

    def body(self, kind: Kind, entity_id: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM nav_entity WHERE kind=? AND id=?", (kind, entity_id)
            ).fetchone()
        if row is None:
            raise NotFound(f"no {kind} with id {entity_id!r}")
        body: dict[str, Any] = json.loads(row[0])
        return body

    def _bodies(self, kind: Kind) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM nav_entity WHERE kind=? ORDER BY id", (kind,)
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def save(
        self, kind: Kind, entity_id: str, body: dict[str, Any], author: str, create: bool
    ) -> int:
        """Create (the id must be new) or update (it must exist); returns the new version."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                exists = self._current(kind, entity_id) is not None
                if create and exists:
                    raise InvalidRecord(f"a {kind} with id {entity_id!r} already exists")
                if not create and not exists:
                    raise NotFound(f"no {kind} with id {entity_id!r}")
                version = self._write(
                    kind, entity_id, body, author, "create" if create else "update"
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return version

    def delete(self, kind: Kind, entity_id: str, author: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self._current(kind, entity_id) is None:
                    raise NotFound(f"no {kind} with id {entity_id!r}")
                self._write(kind, entity_id, None, author, "delete")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def history(
        self, kind: Kind, entity_id: str | None = None, limit: int = 100
    ) -> list[NavChange]:
        """Changes oldest first for one entity; newest first (an audit trail) for all."""
        columns = "kind, entity_id, version, action, author, at, before, after"
        with self._lock:
            if entity_id is None:
                rows = self._db.execute(
                    f"SELECT {columns} FROM nav_history WHERE kind=? ORDER BY seq DESC LIMIT ?",
                    (kind, limit),
                ).fetchall()
            else:
                rows = self._db.execute(
                    f"SELECT {columns} FROM nav_history WHERE kind=? AND entity_id=? ORDER BY seq",
                    (kind, entity_id),
                ).fetchall()
        return [
            NavChange(
                k,
                e,
                v,
                a,
                au,
                datetime.fromisoformat(at),
                json.loads(b) if b else None,
                json.loads(af) if af else None,
            )
            for k, e, v, a, au, at, b, af in rows
        ]

    def _current(self, kind: Kind, entity_id: str) -> str | None:
        row = self._db.execute(
            "SELECT body FROM nav_entity WHERE kind=? AND id=?", (kind, entity_id)
        ).fetchone()
        return None if row is None else str(row[0])

    def _write(
        self, kind: Kind, entity_id: str, body: dict[str, Any] | None, author: str, action: Action
    ) -> int:
        """Change one row and append its history; the caller holds the lock and a transaction."""
        before = self._current(kind, entity_id)
        at = datetime.now(UTC).isoformat()
        after = json.dumps(body, ensure_ascii=False) if body is not None else None
        if after is None:
            self._db.execute("DELETE FROM nav_entity WHERE kind=? AND id=?", (kind, entity_id))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO nav_entity VALUES (?,?,?,?,?)",
                (kind, entity_id, after, at, author),
            )
        row = self._db.execute("SELECT value FROM nav_meta WHERE key='version'").fetchone()
        version = (int(row[0]) if row else 0) + 1
        self._db.execute("INSERT OR REPLACE INTO nav_meta VALUES ('version', ?)", (version,))
        self._db.execute(
            "INSERT INTO nav_history (kind, entity_id, version, action, author, at, before, after)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (kind, entity_id, version, action, author, at, before, after),
        )
        return version
