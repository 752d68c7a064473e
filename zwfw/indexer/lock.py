"""One writer per index: a lock that the operating system (or PostgreSQL) releases when its
holder dies, so a `kill -9` never leaves an index locked for good.

Every write to an index directory (a full build, an upsert, a delete, a FAQ edit from the
server) holds the lock. A second writer waits up to `ZWFW_INDEXER__LOCK_TIMEOUT_SECONDS`
and then fails with `IndexBusy`, which names who holds the lock and since when.

- `FileWriterLock` (default): `flock` on `index_dir/.writer.lock`. The kernel drops it with
  the holder's last file descriptor, whatever way the process ends.
- `PgAdvisoryLock` (when `ZWFW_STATE_URL` is a PostgreSQL URL): a session advisory lock
  keyed by the index directory, so replicas on several machines sharing one index
  directory still have one writer; PostgreSQL drops it when the holder's session ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from zwfw.core.errors import BackendUnavailable, ConfigError, MissingDependency
from zwfw.core.settings import Settings

_POLL_SECONDS = 0.05


class IndexBusy(BackendUnavailable):
    """Another process is writing this index; the message says which one."""


class WriterLock(Protocol):
    """An exclusive, crash-safe lock over one index directory. Re-entrant per object."""

    def acquire(self, owner: str, timeout: float) -> None:
        """Take the lock within `timeout` seconds or raise IndexBusy."""
        ...

    def release(self) -> None: ...

    @property
    def held(self) -> bool: ...


@contextlib.contextmanager
def holding(lock: WriterLock, owner: str, timeout: float) -> Iterator[None]:
    lock.acquire(owner, timeout)
    try:
        yield
    finally:
        lock.release()


def _describe(owner: str) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return f"{owner} (pid {os.getpid()} on {socket.gethostname()}, since {stamp})"


def _busy(index_dir: Path, holder: str, timeout: float) -> IndexBusy:
    return IndexBusy(
        f"the index {index_dir} is being written by {holder or 'another process'}; "
        f"waited {timeout:g} s. Try again when it has finished "
        "(ZWFW_INDEXER__LOCK_TIMEOUT_SECONDS sets the wait)"
    )


class _Reentrant:
    """The re-entrancy both locks share, written once: the first `acquire` takes the real
    lock (`_take`), nested ones only count, and the last `release` lets it go (`_drop`). A
    holder that writes again inside its own write must not wait for itself."""

    _depth = 0

    @property
    def held(self) -> bool:
        return self._depth > 0

    def acquire(self, owner: str, timeout: float) -> None:
        if self._depth == 0:
            self._take(owner, timeout)
        self._depth += 1

    def release(self) -> None:
        if self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            self._drop()

    def _take(self, owner: str, timeout: float) -> None:
        raise NotImplementedError

    def _drop(self) -> None:
        raise NotImplementedError


class FileWriterLock(_Reentrant):
    """`flock` on a file in the index directory; the holder's description is written into it."""

    def __init__(self, index_dir: Path) -> None:
        self._dir = index_dir
        self._path = index_dir / ".writer.lock"
        self._fd: int | None = None

    def _take(self, owner: str, timeout: float) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._path.read_text(encoding="utf-8", errors="replace").strip()
                    os.close(fd)
                    raise _busy(self._dir, holder, timeout) from None
                time.sleep(_POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _describe(owner).encode(), 0)
        self._fd = fd

    def _drop(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def advisory_key(index_dir: Path) -> int:
    """A signed 64-bit key for `pg_advisory_lock`, stable for one resolved directory."""
    digest = hashlib.blake2b(str(index_dir.resolve()).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PgAdvisoryLock(_Reentrant):
    """A PostgreSQL session advisory lock; the holder's description is kept in
    `application_name`, so the second writer can say who holds the lock."""

    def __init__(self, url: str, index_dir: Path) -> None:
        self._url = url.replace("postgresql+psycopg://", "postgresql://")
        self._dir = index_dir
        self._key = advisory_key(index_dir)
        self._conn: Any = None

    def _take(self, owner: str, timeout: float) -> None:
        conn = self._connect(owner)
        deadline = time.monotonic() + timeout
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()[0]:
            if time.monotonic() >= deadline:
                holder = self._holder(conn)
                conn.close()
                raise _busy(self._dir, holder, timeout)
            time.sleep(_POLL_SECONDS * 4)
        self._conn = conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # a lost session has released it already
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
            self._conn.close()
            self._conn = None

    def _connect(self, owner: str) -> Any:
        try:
            import psycopg
        except ImportError as exc:
            raise MissingDependency("psycopg", "pg") from exc

        try:
            return psycopg.connect(
                self._url,
                autocommit=True,
                connect_timeout=5,
                application_name=f"zwfw writer: {_describe(owner)}"[:63],
            )
        except psycopg.Error as exc:
            raise BackendUnavailable(f"cannot reach PostgreSQL for the index lock: {exc}") from exc

    def _holder(self, conn: Any) -> str:
        hi, lo = (self._key >> 32) & 0xFFFFFFFF, self._key & 0xFFFFFFFF
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype='advisory' AND l.granted AND l.classid::bigint=%s"
            " AND l.objid::bigint=%s LIMIT 1",
            (hi, lo),
        ).fetchone()
        return str(row[0]) if row else ""


def create_writer_lock(settings: Settings) -> WriterLock:
    """The PostgreSQL lock when state lives in PostgreSQL, else the file lock."""
    url = settings.state_url.get_secret_value() if settings.state_url else None
    if url is None or url.startswith("sqlite"):
        return FileWriterLock(settings.index_dir)
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return PgAdvisoryLock(url, settings.index_dir)
    raise ConfigError(f"ZWFW_STATE_URL {url.split(':', 1)[0]}://… is neither sqlite nor postgresql")
