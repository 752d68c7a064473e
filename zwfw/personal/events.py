"""Behaviour events (searches, clicks, handled items, ratings) with bounded retention.

Events older than the retention window are purged on every write, and each user keeps at
most `max_per_user` recent events, so the log never grows into a lasting dossier. The
aggregate queries only count items seen by at least `min_users` distinct users, so no
recommendation can reveal what one other person did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.storage import Storage
from zwfw.storage.tables import event as event_table

STORE = "personal"
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
    def __init__(self, db: Storage, retention_days: int, max_per_user: int = 1000) -> None:
        self._db = db
        self.retention = dt.timedelta(days=retention_days)
        self._max_per_user = max_per_user

    def record(self, event: Event) -> int:
        """Store one event, then enforce retention; returns the event's id."""
        e = event_table.c
        with self._db.transaction(STORE) as conn:
            new_id = conn.execute(
                sa.insert(event_table).values(
                    user_id=event.user_id, type=event.type.value, at=_epoch(event.at),
                    item_id=event.item_id, catalog=event.catalog, query=event.query,
                    rating=event.rating,
                ).returning(e.id)
            ).scalar_one()  # fmt: skip
            conn.execute(sa.delete(event_table).where(e.at < _epoch(event.at - self.retention)))
            conn.execute(
                sa.text(
                    "DELETE FROM event WHERE user_id = :u AND id NOT IN (SELECT id FROM event"
                    " WHERE user_id = :u ORDER BY at DESC, id DESC LIMIT :n)"
                ),
                {"u": event.user_id, "n": self._max_per_user},
            )
            return int(new_id)

    def delete_user(self, conn: Connection, user_id: str) -> int:
        """Delete inside the caller's transaction (together with the profile)."""
        return conn.execute(sa.delete(event_table).where(event_table.c.user_id == user_id)).rowcount

    def count(self, user_id: str) -> int:
        query = sa.select(sa.func.count()).where(event_table.c.user_id == user_id)
        with self._db.read(STORE) as conn:
            return int(conn.execute(query).scalar_one())

    def catalogs_of(self, user_id: str, now: dt.datetime) -> dict[str, set[str]]:
        """Catalogues the user showed interest in → the event types seen."""
        sql = (
            "SELECT catalog, type FROM event WHERE user_id = :u AND at >= :since "
            f"AND catalog IS NOT NULL AND type IN {_INTEREST}"
        )
        found: dict[str, set[str]] = {}
        with self._db.read(STORE) as conn:
            for catalog, kind in conn.execute(
                sa.text(sql), {"u": user_id, "since": self._since(now)}
            ):
                found.setdefault(catalog, set()).add(kind)
        return found

    def co_occurring(
        self, user_id: str, catalogs: list[str], now: dt.datetime, min_users: int = 2
    ) -> list[tuple[str, str, int]]:
        """(the user's catalogue, another catalogue, users who had both), most shared first."""
        if not catalogs:
            return []
        sql = f"""
            SELECT a.catalog, b.catalog, count(DISTINCT b.user_id) AS users
            FROM event a JOIN event b ON a.user_id = b.user_id AND a.catalog != b.catalog
            WHERE a.catalog IN :catalogs AND a.user_id != :u AND a.at >= :since
              AND b.at >= :since AND a.type IN {_INTEREST} AND b.type IN {_INTEREST}
              AND b.catalog IS NOT NULL
            GROUP BY a.catalog, b.catalog HAVING count(DISTINCT b.user_id) >= :min_users
            ORDER BY users DESC, b.catalog
        """
        query = sa.text(sql).bindparams(sa.bindparam("catalogs", expanding=True))
        params = {"catalogs": catalogs, "u": user_id, "since": self._since(now),
                  "min_users": min_users}  # fmt: skip
        with self._db.read(STORE) as conn:
            rows = conn.execute(query, params).all()
        return [(str(a), str(b), int(n)) for a, b, n in rows]

    def popular_items(self, now: dt.datetime, min_users: int = 2) -> list[tuple[str, int]]:
        """(item id, distinct users) over the retention window, most popular first."""
        sql = (
            "SELECT item_id, count(DISTINCT user_id) AS users FROM event "
            f"WHERE at >= :since AND item_id IS NOT NULL AND type IN {_INTEREST} "
            "GROUP BY item_id HAVING count(DISTINCT user_id) >= :min_users"
            " ORDER BY users DESC, item_id"
        )
        params = {"since": self._since(now), "min_users": min_users}
        with self._db.read(STORE) as conn:
            rows = conn.execute(sa.text(sql), params).all()
        return [(str(item), int(n)) for item, n in rows]

    def _since(self, now: dt.datetime) -> int:
        return _epoch(now - self.retention)


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())
