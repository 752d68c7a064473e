"""The operations database: one SQLite file for ratings, the query log and curation.

Kept apart from the index (rebuilt often) and from `state_db` (synonym edits), so analytics
can be pruned or moved without touching search. WAL mode lets the query-log writer thread
append while admin routes read.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Days are counted in China Standard Time: "yesterday's zero-result queries" means the
# Beijing day, whatever the server's clock zone is.
CST = dt.timezone(dt.timedelta(hours=8), "CST")

SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    turn_id TEXT PRIMARY KEY, at REAL NOT NULL, route TEXT NOT NULL, query TEXT NOT NULL,
    query_key TEXT NOT NULL, shown TEXT NOT NULL, result_offset INTEGER NOT NULL,
    total INTEGER NOT NULL, action TEXT, latency_ms REAL NOT NULL, session_id TEXT
);
CREATE INDEX IF NOT EXISTS turns_at ON turns (at);
CREATE TABLE IF NOT EXISTS clicks (
    turn_id TEXT NOT NULL, position INTEGER NOT NULL, doc_id TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (turn_id, position)
);
CREATE TABLE IF NOT EXISTS requests (
    at REAL NOT NULL, route TEXT NOT NULL, method TEXT NOT NULL, status INTEGER NOT NULL,
    latency_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_at ON requests (at);
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, target_type TEXT NOT NULL,
    target_id TEXT NOT NULL, department TEXT NOT NULL, score INTEGER NOT NULL
        CHECK (score BETWEEN 1 AND 5),
    tags TEXT NOT NULL, comment TEXT, session_id TEXT
);
CREATE INDEX IF NOT EXISTS ratings_target ON ratings (target_type, target_id);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise access with their own lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(SCHEMA)
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error, on an autocommit connection."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@dataclass(frozen=True)
class Period:
    """A half-open time window [since, until) in unix seconds; None means unbounded."""

    since: float | None = None
    until: float | None = None

    @classmethod
    def from_dates(cls, start: dt.date | None, end: dt.date | None) -> Period:
        """Whole Beijing days from `start` to `end`, both inclusive."""
        since = _midnight(start) if start else None
        until = _midnight(end + dt.timedelta(days=1)) if end else None
        return cls(since, until)

    def where(self, column: str = "at") -> tuple[str, list[float]]:
        """An SQL condition (always valid, possibly `1=1`) and its parameters."""
        clauses, params = ["1=1"], []
        if self.since is not None:
            clauses.append(f"{column} >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{column} < ?")
            params.append(self.until)
        return " AND ".join(clauses), params


def _midnight(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=CST).timestamp()
