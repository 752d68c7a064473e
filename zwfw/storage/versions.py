"""A change counter per store, bumped in the same transaction as the edit it announces.

Bumping first also takes the row's write lock on PostgreSQL, so two replicas editing the
same store queue behind each other (validation against the current rules stays valid) and
the audit chain gets one writer at a time. Other replicas compare the number they last
loaded with `read_version`, at most every `poll_seconds`, and reload when it moved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.storage.tables import store_version

STORES = ("synonyms", "faq", "nav", "curation")


def bump(conn: Connection, store: str) -> int:
    """The store's next version; the caller's transaction commits it with the edit."""
    row = conn.execute(
        sa.update(store_version)
        .where(store_version.c.store == store)
        .values(version=store_version.c.version + 1)
        .returning(store_version.c.version)
    ).first()
    if row is None:  # a store added after the migration seeded the others
        conn.execute(sa.insert(store_version).values(store=store, version=1))
        return 1
    return int(row[0])


def read_version(conn: Connection, store: str) -> int:
    found = conn.execute(
        sa.select(store_version.c.version).where(store_version.c.store == store)
    ).scalar()
    return int(found or 0)


class VersionWatch:
    """Says whether a store changed since the caller last looked, reading the version row
    at most once per `poll_seconds` (so a per-query check costs nothing most of the time)."""

    def __init__(
        self,
        read: Callable[[], int],
        poll_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read, self._poll, self._clock = read, poll_seconds, clock
        self._checked = float("-inf")
        self._seen: int | None = None
        self._lock = threading.Lock()

    def changed(self) -> bool:
        """True once per observed change (and on the first call)."""
        with self._lock:
            now = self._clock()
            if self._seen is not None and now - self._checked < self._poll:
                return False
            self._checked = now
            version = self._read()
            moved, self._seen = version != self._seen, version
            return moved

    def force(self) -> None:
        """The next `changed()` reads the row (after a local edit)."""
        with self._lock:
            self._checked = float("-inf")
            self._seen = None
