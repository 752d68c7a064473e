"""The engine of one state URL, and the one `transaction()` every store writes through.

SQLite (the embedded default) gets WAL, a busy timeout and `BEGIN IMMEDIATE` for writes, so
two writers queue instead of failing half-way; PostgreSQL gets a pre-pinged pool. Driver
errors that mean "the database cannot serve now" (locked, read-only, disk full, refused,
file deleted under us) become `BackendUnavailable` naming the store, which the API answers
with a 503; constraint violations and programming errors are left alone, as they are bugs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from zwfw.core.errors import BackendUnavailable
from zwfw.core.settings import Settings

# Seconds a SQLite writer waits for another before reporting the store unavailable.
SQLITE_BUSY_MS = 10_000
_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError)
# What `ping` runs inside a transaction it rolls back: on SQLite, a write that changes nothing.
_PROBE = {True: "UPDATE store_version SET version = version WHERE store = 'synonyms'",
          False: "SELECT 1"}  # fmt: skip


def state_url(settings: Settings) -> str:
    """`ZWFW_STATE_URL` when set (with psycopg as the PostgreSQL driver), else SQLite at
    `ZWFW_STATE_DB`."""
    if settings.state_url:
        url = settings.state_url.get_secret_value()
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url.removeprefix(plain)
        return url
    return f"sqlite:///{settings.state_db.expanduser().resolve()}"


class Storage:
    """One engine per URL, shared by every store of the process; thread-safe."""

    def __init__(self, url: str, pool_size: int = 5) -> None:
        self.url = url
        self.dialect = sa.engine.make_url(url).get_backend_name()
        self.path = _sqlite_path(url)
        if self.path is not None:
            try:
                _prepare_dir(self.path)
            except OSError as exc:
                raise BackendUnavailable(f"the state store is unavailable: {exc}") from exc
            self.engine: Engine = sa.create_engine(url, pool_size=pool_size, max_overflow=10)
            _sqlite_events(self.engine)
        else:
            self.engine = sa.create_engine(
                url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True,
                pool_timeout=5, connect_args={"connect_timeout": 3},
            )  # fmt: skip
        self._writer = self.engine.execution_options(zwfw_write=True)
        self._inode: int | None = None
        self._local = threading.local()  # the thread's open transaction, if any

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def transaction(self, store: str) -> Iterator[Connection]:
        """BEGIN (IMMEDIATE on SQLite) … COMMIT, or ROLLBACK on any error.

        A transaction opened while the same thread already has one joins it: publishing a
        curation proposal writes the FAQ edit and the proposal's new state together (and on
        SQLite a second writer in the same thread would otherwise wait for itself)."""
        outer: Connection | None = getattr(self._local, "conn", None)
        if outer is not None:
            with self.guard(store):
                yield outer
            return
        with self.guard(store):
            self._check_file(store)
            with self._writer.begin() as conn:
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None

    @contextmanager
    def read(self, store: str) -> Iterator[Connection]:
        """A read-only unit: one snapshot for every statement inside, then rolled back
        (inside the thread's open transaction: that transaction, which sees its own writes)."""
        outer: Connection | None = getattr(self._local, "conn", None)
        if outer is not None:
            with self.guard(store):
                yield outer
            return
        with self.guard(store), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def guard(self, store: str) -> Iterator[None]:
        """Database errors only: an error of the caller's own work inside a transaction (an
        index write failing) still rolls back, but keeps its own type."""
        try:
            yield
        except _UNAVAILABLE as exc:
            raise BackendUnavailable(f"the {store} store is unavailable: {_reason(exc)}") from exc

    def ping(self) -> None:
        """For readiness: `BackendUnavailable` unless the database takes a write now. On
        SQLite a row is rewritten unchanged and rolled back: `BEGIN IMMEDIATE` alone succeeds
        on a file opened read-only, and only a page write meets the refusal (or the lock)."""
        with self.guard("state"):
            self._check_file("state")
            with self._writer.connect() as conn:
                done = conn.begin()
                try:
                    conn.exec_driver_sql(_PROBE[self.is_sqlite])
                finally:
                    done.rollback()

    def erase_freed(self) -> None:
        """After deleting personal data: fold SQLite's write-ahead log into the file and
        truncate it, so no copy of a deleted page survives there (PostgreSQL: no-op)."""
        if self.is_sqlite:
            with self.guard("personal"), self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()

    def _check_file(self, store: str) -> None:
        """An edit must not "succeed" into a state file that was deleted or replaced under
        the running server: it would be lost at the next start, silently."""
        if self.path is None:
            return
        try:
            inode = self.path.stat().st_ino
        except FileNotFoundError:
            inode = -1
        if self._inode is None:
            self._inode = None if inode == -1 else inode
        elif inode != self._inode:
            raise BackendUnavailable(
                f"the {store} store is unavailable: {self.path} was deleted or replaced"
                " while the server ran; restart it"
            )


_OPEN: dict[str, Storage] = {}
_OPEN_LOCK = threading.Lock()


def open_storage(settings: Settings) -> Storage:
    """The process's one storage of the settings' URL (the runtime, the ops container and
    the services share its engine and pool). The embedded SQLite default is migrated on first
    open, so `zwfw serve --demo` needs nothing else; PostgreSQL must be migrated by
    `zwfw migrate` (once per release) and is only checked."""
    from zwfw.storage.migrate import check_current, migrate

    url = state_url(settings)
    with _OPEN_LOCK:
        storage = _OPEN.get(url)
        if storage is None:
            storage = Storage(url)
            if storage.is_sqlite:
                migrate(storage)
            else:
                check_current(storage)
            _OPEN[url] = storage
        return storage


def _sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, also in the URI form SQLite opens with options
    (`sqlite:///file:/srv/state.sqlite?mode=ro&uri=true`: a replica that must not write)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = parsed.database
    if parsed.query.get("uri") == "true" and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database.startswith("//"):  # file://host/path: only the local host is allowed
            database = "/" + database[2:].split("/", 1)[-1]
    return Path(database)


def _prepare_dir(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(path.parent, os.W_OK):
        raise PermissionError(f"{path.parent} is not writable")


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # transactions are begun below, not by pysqlite
        for pragma in (
            f"busy_timeout={SQLITE_BUSY_MS}", "journal_mode=WAL", "synchronous=NORMAL",
            "foreign_keys=ON", "secure_delete=ON",  # deleted personal data is zeroed
        ):  # fmt: skip
            dbapi.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("zwfw_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _reason(exc: sa.exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def close_all() -> None:
    """Dispose every storage `open_storage` opened (end of a test, of a process)."""
    with _OPEN_LOCK:
        for storage in _OPEN.values():
            storage.close()
        _OPEN.clear()
