"""Shared fixtures: the real segmenter and e5 encoder, and an index of the bundled demo data."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from state_backends import (
    BACKENDS,
    OUTER_STATE_URL,
    migrated_storage,
    migrated_url,
    postgres_schema,
    redis_prefix,
)
from testdata import DEMO, ROOT

from zwfw.core.settings import Settings, get_settings
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder, create_encoder
from zwfw.runtime import Runtime, load_runtime
from zwfw.storage import Storage, close_all
from zwfw.storage.kv import KeyValue, MemoryKeyValue, RedisKeyValue

# Fixtures that load the real e5 model or build with it: a test using one is `slow`, so
# `-m "not integration and not slow and not services"` is the fast tier: the hash encoder,
# SQLite and in-process stores (the PostgreSQL and Redis cases were half its time).
REAL_MODEL_FIXTURES = {"encoder", "demo_index_dir", "demo_runtime", "writable_index_dir",
                       "writable_runtime"}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the real model are `slow`; tests on the state storage carry the `storage`
    mark (the PostgreSQL pass runs them); the cases on PostgreSQL or Redis carry `services`."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if REAL_MODEL_FIXTURES & names:
            item.add_marker(pytest.mark.slow)
        if {"state_backend", "kv"} & names:
            item.add_marker(pytest.mark.storage)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("state_backend") == "postgresql" or params.get("kv") == "redis":
            item.add_marker(pytest.mark.services)


_STARTED = time.time()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The suite fails when any test wrote a database into the checkout."""
    written = [p for p in (ROOT / "var").glob("*.sqlite*") if p.stat().st_mtime >= _STARTED]
    if written:
        print(f"\ntests wrote into the checkout: {written}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _session_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The same for session and module fixtures, which are set up before any test's folder:
    settings they build resolve relative paths here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("session-cwd"))
        yield


@pytest.fixture(autouse=True)
def _outside_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own temporary folder, so a default relative path
    (var/state.sqlite) lands there and never in the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees another's settings or the developer's ZWFW_ environment."""
    for name in list(__import__("os").environ):
        if name.startswith("ZWFW_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    close_all()  # storages the test's app or runtime opened: no pools outlive a test


@pytest.fixture(autouse=True)
def _isolated_state_url(_fresh_settings: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Under ZWFW_STATE_URL (the PostgreSQL pass), every test's Settings point at a schema
    of its own; otherwise state stays in each test's SQLite file."""
    if not OUTER_STATE_URL:
        yield
        return
    with postgres_schema() as url:
        with migrated_url(url):
            pass
        monkeypatch.setenv("ZWFW_STATE_URL", url)
        yield


@pytest.fixture(params=BACKENDS)
def state_backend(request: pytest.FixtureRequest) -> str:
    """Each state database in turn: "sqlite" and "postgresql"."""
    return str(request.param)


@pytest.fixture
def storage(state_backend: str, tmp_path: Path) -> Iterator[Storage]:
    """A migrated, empty state database on each backend (SQLite file, PostgreSQL schema)."""
    with migrated_storage(state_backend, tmp_path) as storage:
        yield storage


@pytest.fixture
def sqlite_storage(tmp_path: Path) -> Iterator[Storage]:
    """A migrated SQLite state database, for tests where the backend is incidental."""
    with migrated_storage("sqlite", tmp_path) as storage:
        yield storage


@pytest.fixture(params=["memory", "redis"])
def kv(request: pytest.FixtureRequest) -> Iterator[KeyValue]:
    """A key-value store in process and in Redis (a private key prefix, cleaned after)."""
    if request.param == "memory":
        yield MemoryKeyValue()
        return
    with redis_prefix() as (client, prefix):
        yield RedisKeyValue(client, prefix)


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture(scope="session")
def encoder() -> CachedEncoder:
    return create_encoder(Settings().encoder)


@pytest.fixture(scope="session")
def demo_index_dir(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, encoder: CachedEncoder
) -> Path:
    """The demo catalogue indexed once per session with the real engine and encoder."""
    index_dir = tmp_path_factory.mktemp("demo-index")
    records = load_sources([DEMO]).records
    build_index(records, Settings(index_dir=index_dir), encoder, segmenter)
    return index_dir


@pytest.fixture(scope="session")
def demo_runtime(demo_index_dir: Path, segmenter: Segmenter, encoder: CachedEncoder) -> Runtime:
    """Read-only runtime over the session's demo index (tests that write make their own)."""
    # SQLite always: it outlives the per-test PostgreSQL schemas of the storage pass.
    settings = Settings(
        index_dir=demo_index_dir, state_db=demo_index_dir / "state.sqlite", state_url=None
    )
    return load_runtime(settings, (segmenter, encoder))


@pytest.fixture
def writable_index_dir(demo_index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the demo index, for tests that edit it (the session's must stay
    read-only). Copying the built index takes milliseconds; a rebuild re-encodes it all."""
    index_dir = tmp_path / "index"
    shutil.copytree(demo_index_dir, index_dir)
    return index_dir


@pytest.fixture
def writable_runtime(
    writable_index_dir: Path, tmp_path: Path, segmenter: Segmenter, encoder: CachedEncoder
) -> Iterator[Runtime]:
    """A runtime over `writable_index_dir`, with its own state database."""
    settings = Settings(index_dir=writable_index_dir, state_db=tmp_path / "state.sqlite")
    runtime = load_runtime(settings, (segmenter, encoder))
    yield runtime
    runtime.close()
