"""The personal space's SQLite file: one connection, one lock, privacy-minded pragmas.

`secure_delete` makes SQLite overwrite deleted rows with zeros, so a deleted profile does
not linger in free pages of the file, and `erase()` checkpoints the write-ahead log into the
file and truncates it, so no old copy of a page survives there either (the deletion test
reads the raw bytes of both files to show it). WAL with synchronous=NORMAL keeps a commit
cheap: a power cut may lose the last commits but never corrupts the file.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Database:
    """Profiles and events share one file so a deletion is one transaction over both."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Autocommit mode: every write goes through `transaction()`, which says BEGIN itself.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed on success and rolled back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def erase(self) -> None:
        """Move committed deletions into the file and empty the log (after deleting a user)."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()
