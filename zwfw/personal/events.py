"""Behaviour events (searches, clicks, handled items, ratings) with bounded retention.

Events older than the retention window are purged on every write, and each user keeps at
most `max_per_user` recent events, so the log never grows into a lasting dossier. The
aggregate queries only count items seen by at least `min_users` distinct users, so no
recommendation can reveal what one other person did.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from zwfw.personal.db import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    item_id TEXT,
    catalog TEXT,
    query TEXT,
    rating INTEGER
);
CREATE INDEX IF NOT EXISTS event_user ON event (user_id, at);
CREATE INDEX IF NOT EXISTS event_at ON event (at);
CREATE INDEX IF NOT EXISTS event_catalog ON event (catalog, user_id);
"""
# Event types that show interest in an item (a search names no item).
_INTEREST = ("click", "handle", "rate")


class EventType(StrEnum):
    SEARCH = "search"
    CLICK = "click"
    HANDLE = "handle"
    RATE = "rate"


@dataclass(frozen=True)
class Event:
    """One event; `catalog` is the item's catalogue name, so regional variants count as one."""

    user_id: str
    type: EventType
    at: dt.datetime
    item_id: str | None = None
    catalog: str | None = None
    query: str | None = None
    rating: int | None = None


class EventLog:
    def __init__(self, db: Database, retention_days: int, max_per_user: int = 1000) -> None:
        self._db = db
        self.retention = dt.timedelta(days=retention_days)
        self._max_per_user = max_per_user
        with db.reading() as conn:
            conn.executescript(_SCHEMA)

    def record(self, event: Event) -> int:
        """Store one event, then enforce retention; returns the event's id."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO event (user_id, type, at, item_id, catalog, query, rating) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event.user_id, event.type.value, _epoch(event.at), event.item_id,
                 event.catalog, event.query, event.rating),
            )  # fmt: skip
            conn.execute("DELETE FROM event WHERE at < ?", (_epoch(event.at - self.retention),))
            conn.execute(
                "DELETE FROM event WHERE user_id = ? AND id NOT IN "
                "(SELECT id FROM event WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?)",
                (event.user_id, event.user_id, self._max_per_user),
            )
            return int(cursor.lastrowid or 0)

    def delete_user(self, conn: sqlite3.Connection, user_id: str) -> int:
        """Delete inside the caller's transaction (together with the profile)."""
        return conn.execute("DELETE FROM event WHERE user_id = ?", (user_id,)).rowcount

    def count(self, user_id: str) -> int:
        with self._db.reading() as conn:
            row = conn.execute("SELECT count(*) FROM event WHERE user_id = ?", (user_id,))
            return int(row.fetchone()[0])

    def catalogs_of(self, user_id: str, now: dt.datetime) -> dict[str, set[str]]:
        """Catalogues the user showed interest in → the event types seen."""
        sql = (
            "SELECT catalog, type FROM event WHERE user_id = ? AND at >= ? "
            f"AND catalog IS NOT NULL AND type IN {_INTEREST}"
        )
        found: dict[str, set[str]] = {}
        with self._db.reading() as conn:
            for catalog, kind in conn.execute(sql, (user_id, self._since(now))):
                found.setdefault(catalog, set()).add(kind)
        return found

    def co_occurring(
        self, user_id: str, catalogs: list[str], now: dt.datetime, min_users: int = 2
    ) -> list[tuple[str, str, int]]:
        """(the user's catalogue, another catalogue, users who had both), most shared first."""
        if not catalogs:
            return []
        marks = ", ".join("?" * len(catalogs))
        sql = f"""
            SELECT a.catalog, b.catalog, count(DISTINCT b.user_id) AS users
            FROM event a JOIN event b ON a.user_id = b.user_id AND a.catalog != b.catalog
            WHERE a.catalog IN ({marks}) AND a.user_id != ? AND a.at >= ? AND b.at >= ?
              AND a.type IN {_INTEREST} AND b.type IN {_INTEREST} AND b.catalog IS NOT NULL
            GROUP BY a.catalog, b.catalog HAVING users >= ?
            ORDER BY users DESC, b.catalog
        """
        since = self._since(now)
        with self._db.reading() as conn:
            rows = conn.execute(sql, (*catalogs, user_id, since, since, min_users)).fetchall()
        return [(str(a), str(b), int(n)) for a, b, n in rows]

    def popular_items(self, now: dt.datetime, min_users: int = 2) -> list[tuple[str, int]]:
        """(item id, distinct users) over the retention window, most popular first."""
        sql = (
            "SELECT item_id, count(DISTINCT user_id) AS users FROM event "
            f"WHERE at >= ? AND item_id IS NOT NULL AND type IN {_INTEREST} "
            "GROUP BY item_id HAVING users >= ? ORDER BY users DESC, item_id"
        )
        with self._db.reading() as conn:
            rows = conn.execute(sql, (self._since(now), min_users)).fetchall()
        return [(str(item), int(n)) for item, n in rows]

    def _since(self, now: dt.datetime) -> int:
        return _epoch(now - self.retention)


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())
