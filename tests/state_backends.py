"""Test databases: a migrated SQLite file or a private PostgreSQL schema per test.

PostgreSQL is always running here and in CI, so it is never skipped: an unreachable server
fails the tests that need it. Each test gets its own schema (dropped afterwards), so runs
never see each other's rows and other users of the `test` database are not disturbed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from zwfw.storage import Storage, migrate

# Read before the autouse fixture clears the ZWFW_ environment of every test.
OUTER_STATE_URL = os.environ.get("ZWFW_STATE_URL")
POSTGRES_URL = os.environ.get(
    "ZWFW_TEST_POSTGRES_URL", OUTER_STATE_URL or "postgresql://postgres@127.0.0.1:5432/test"
)
# With ZWFW_STATE_URL set (the second CI pass) store tests run on PostgreSQL only.
BACKENDS = ["postgresql"] if OUTER_STATE_URL else ["sqlite", "postgresql"]


def driver_url(url: str) -> str:
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema; yields the URL whose connections use it, drops it afterwards."""
    name = f"zwfw_storage_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(driver_url(POSTGRES_URL), poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={name}')}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


@contextmanager
def migrated_storage(backend: str, tmp_path: Path) -> Iterator[Storage]:
    if backend == "sqlite":
        storage = Storage(f"sqlite:///{tmp_path / 'state.sqlite'}")
        migrate(storage)
        yield storage
        storage.close()
        return
    with postgres_schema() as url:
        storage = Storage(driver_url(url))
        migrate(storage)
        yield storage
        storage.close()


@contextmanager
def migrated_url(url: str) -> Iterator[Storage]:
    """Migrate the database at `url` (as `zwfw migrate` would) and yield its storage."""
    storage = Storage(driver_url(url))
    try:
        migrate(storage)
        yield storage
    finally:
        storage.close()


REDIS_URL = os.environ.get("ZWFW_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


@contextmanager
def redis_prefix() -> Iterator[tuple[object, str]]:
    """A Redis client and a key prefix of this test's own; its keys are deleted after."""
    from zwfw.storage.kv import redis_client

    client = redis_client(REDIS_URL)
    prefix = f"zwfw-storage-test:{uuid.uuid4().hex[:12]}:"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(match=prefix + "*"))  # type: ignore[attr-defined]
        if keys:
            client.delete(*keys)  # type: ignore[attr-defined]
        client.close()  # type: ignore[attr-defined]
