"""Chat sessions in SQLite with a time-to-live: the context that lets "那要多少钱" refer to
the service under discussion.

A session is one small JSON state per id. It expires `ttl` seconds after its last turn: a
citizen who comes back an hour later starts afresh rather than being answered about the
passport they asked after in the morning. Expired rows are purged as new turns are saved.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_sessions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_sessions_updated ON chat_sessions(updated_at);
"""


@dataclass
class SessionState:
    """What the assistant remembers between turns."""

    group: list[str] = field(default_factory=list)  # item keys: every variant of the service
    keys: list[str] = field(default_factory=list)  # those still matching what was said
    fields: list[str] = field(default_factory=list)  # guide fields last asked for
    region: str | None = None  # division code the citizen named; kept for later questions
    choices: dict[str, str] = field(default_factory=dict)  # variant / audience / name chosen
    pending: str | None = None  # what a clarification asked: variant, region, audience, name, pick
    options: dict[str, str] = field(default_factory=dict)  # quick reply → the value it picks
    turns: int = 0
    nav_session: str | None = None  # a guided navigation in progress (see chat.nav_bridge)
    topic: str | None = None  # what the last answer was about, for follow-ups without a subject
    last_ask: str | None = None  # the last question asked, so it is never asked twice in a row
    rest: list[str] = field(default_factory=list)  # candidates not yet offered ("都不是")
    query: str | None = None  # the last message routed as a question, for a free answer to it
    answered: str | None = None  # the FAQ entry last answered from, not to be repeated

    @property
    def item_key(self) -> str | None:
        """The one item under discussion, once the variants are narrowed to one."""
        return self.keys[0] if len(self.keys) == 1 else None


class SessionStore:
    """Sessions by id; one connection under a lock, as the API calls from a thread pool."""

    def __init__(
        self, path: Path, ttl_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.ttl, self.clock = ttl_seconds, clock

    def close(self) -> None:
        self._db.close()

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    def load(self, session_id: str) -> SessionState:
        """The session's state; a fresh one when unknown or expired."""
        with self._lock:
            row = self._db.execute(
                "SELECT state, updated_at FROM chat_sessions WHERE id=?", (session_id,)
            ).fetchone()
        if row is None or self.clock() - row[1] > self.ttl:
            return SessionState()
        return SessionState(**json.loads(row[0]))

    def save(self, session_id: str, state: SessionState) -> None:
        now = self.clock()
        data = json.dumps(asdict(state), ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO chat_sessions(id, state, updated_at) VALUES (?,?,?)",
                (session_id, data, now),
            )
            self._db.execute("DELETE FROM chat_sessions WHERE updated_at < ?", (now - self.ttl,))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM chat_sessions").fetchone()[0])
