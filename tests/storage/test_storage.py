"""The storage layer: migrations, the one transaction, driver errors as domain errors,
version rows, and the key-value store, on both databases."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from state_backends import postgres_schema

from zwfw.core.errors import BackendUnavailable
from zwfw.core.settings import Settings
from zwfw.personal.fields import STORED
from zwfw.storage import Storage, VersionWatch, bump, check_current, migrate, read_version
from zwfw.storage.engine import state_url
from zwfw.storage.kv import KeyValue, MemoryKeyValue
from zwfw.storage.tables import PROFILE_COLUMNS, metadata, ratings


def test_the_migrations_create_exactly_the_declared_tables(storage: Storage) -> None:
    with storage.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_changes_nothing(storage: Storage) -> None:
    assert migrate(storage) == migrate(storage) == "0001"


def test_the_profile_table_has_a_column_for_every_stored_field() -> None:
    """A new profile field needs a migration: this fails until tables.py has it."""
    assert {name for fields in STORED.values() for name, _ in fields} == set(PROFILE_COLUMNS)


def test_a_write_error_rolls_the_whole_transaction_back(storage: Storage) -> None:
    row = {"at": 1.0, "target_type": "item", "target_id": "x", "department": "", "tags": "[]"}
    with pytest.raises(RuntimeError), storage.transaction("ratings") as conn:
        conn.execute(sa.insert(ratings).values({**row, "score": 5}))
        raise RuntimeError("the caller failed after the insert")
    with storage.read("ratings") as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar() == 0


def test_a_version_bump_commits_with_the_edit_and_is_seen_by_a_watch(storage: Storage) -> None:
    def read() -> int:
        with storage.read("nav") as conn:
            return read_version(conn, "nav")

    watch = VersionWatch(read, poll_seconds=0)
    assert watch.changed() and not watch.changed()
    with pytest.raises(RuntimeError), storage.transaction("nav") as conn:
        bump(conn, "nav")
        raise RuntimeError("edit failed")
    assert not watch.changed() and read() == 0
    with storage.transaction("nav") as conn:
        assert bump(conn, "nav") == 1
    assert watch.changed() and read() == 1


def test_an_unmigrated_postgresql_database_is_refused_naming_the_fix() -> None:
    with postgres_schema() as url:
        storage = Storage(url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with pytest.raises(BackendUnavailable, match="run `zwfw migrate`"):
                check_current(storage)
        finally:
            storage.close()


def test_an_unreachable_postgresql_is_backend_unavailable_naming_the_store() -> None:
    storage = Storage("postgresql+psycopg://postgres@127.0.0.1:1/test")
    with (
        pytest.raises(BackendUnavailable, match="the ratings store is unavailable"),
        storage.transaction("ratings") as conn,
    ):
        conn.exec_driver_sql("SELECT 1")


def _sqlite(tmp_path: Path) -> Storage:
    storage = Storage(f"sqlite:///{tmp_path / 'state.sqlite'}")
    migrate(storage)
    return storage


def test_a_locked_sqlite_database_is_backend_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zwfw.storage.engine.SQLITE_BUSY_MS", 100)
    storage = _sqlite(tmp_path)
    holder = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            pytest.raises(BackendUnavailable, match=r"the faq store is unavailable.*locked"),
            storage.transaction("faq") as conn,
        ):
            bump(conn, "faq")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_read_only_sqlite_database_is_backend_unavailable_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    """Opened read-only by SQLite itself (`mode=ro`), which refuses writes as root too, unlike
    file permissions: the same refusal a read-only mount gives."""
    storage = _sqlite(tmp_path)
    with storage.transaction("nav") as conn:
        bump(conn, "nav")
    storage.close()
    read_only = Storage(f"sqlite:///file:{tmp_path / 'state.sqlite'}?mode=ro&uri=true")
    assert read_only.path == tmp_path / "state.sqlite"
    with (
        pytest.raises(BackendUnavailable, match=r"the nav store .*readonly"),
        read_only.transaction("nav") as conn,
    ):
        bump(conn, "nav")
    with pytest.raises(BackendUnavailable, match="readonly"):
        read_only.ping()  # readiness fails too
    with read_only.read("nav") as conn:
        assert read_version(conn, "nav") == 1  # reads still work; the acknowledged bump is kept
    read_only.close()
    assert not Path("file:").exists()  # the URI is not taken for a folder to create


def test_a_full_sqlite_database_is_backend_unavailable_and_keeps_what_it_acknowledged(
    tmp_path: Path,
) -> None:
    """`PRAGMA max_page_count` makes SQLite answer SQLITE_FULL ("database or disk is full")
    exactly as a full disk does, without filling one."""
    storage = _sqlite(tmp_path)
    _cap_pages(storage)
    acknowledged = 0
    with pytest.raises(BackendUnavailable, match=r"the ratings store .*disk is full"):
        for i in range(10_000):
            with storage.transaction("ratings") as conn:
                conn.execute(sa.insert(ratings).values(_rating(i)))
            acknowledged += 1
    with storage.read("ratings") as conn:
        kept = conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar()
    assert kept == acknowledged  # every acknowledged rating, and not the refused one
    storage.close()


def _rating(i: int) -> dict[str, object]:
    return {"at": 1.0, "target_type": "item", "target_id": f"item-{i:05d}" * 8,
            "department": "", "tags": "[]", "score": 5}  # fmt: skip


def _cap_pages(storage: Storage) -> None:
    """Every connection of `storage` may not grow the file past its size now."""

    @sa.event.listens_for(storage.engine, "connect")
    def _cap(dbapi: sqlite3.Connection, _record: object) -> None:
        pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
        dbapi.execute(f"PRAGMA max_page_count={pages}")

    storage.engine.dispose()


def test_a_state_file_deleted_under_the_server_refuses_edits(tmp_path: Path) -> None:
    """An edit into an unlinked file would report success and vanish at the next start."""
    storage = _sqlite(tmp_path)
    with storage.transaction("synonyms") as conn:
        bump(conn, "synonyms")
    storage.ping()  # ready
    for f in tmp_path.glob("state.sqlite*"):
        f.unlink()
    with pytest.raises(BackendUnavailable, match=r"the state store .*deleted"):
        storage.ping()  # not ready any more
    with (
        pytest.raises(BackendUnavailable, match=r"the synonyms store .*deleted or replaced"),
        storage.transaction("synonyms") as conn,
    ):
        bump(conn, "synonyms")


def test_a_state_path_under_a_file_is_backend_unavailable(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(BackendUnavailable, match="the state store"):
        Storage(f"sqlite:///{tmp_path / 'file' / 'state.sqlite'}")


def test_the_state_url_prefers_postgresql_and_names_its_driver(tmp_path: Path) -> None:
    assert state_url(Settings(state_db=tmp_path / "s.sqlite")).startswith("sqlite:////")
    pg = Settings(state_url="postgresql://u@db:5432/zwfw")  # type: ignore[arg-type]
    assert state_url(pg) == "postgresql+psycopg://u@db:5432/zwfw"


def test_concurrent_writers_each_get_their_own_version(storage: Storage) -> None:
    seen: list[int] = []

    def edit() -> None:
        with storage.transaction("faq") as conn:
            seen.append(bump(conn, "faq"))

    threads = [threading.Thread(target=edit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 9))


def test_a_key_expires_after_its_ttl_and_can_be_deleted(kv: KeyValue) -> None:
    kv.set("k", b"v", 60)
    kv.set("gone", b"v", -1)
    assert kv.get("k") == b"v" and kv.get("gone") is None
    kv.delete("k")
    assert kv.get("k") is None


def test_the_in_process_store_stays_bounded() -> None:
    kv = MemoryKeyValue(max_keys=3)
    for i in range(10):
        kv.set(str(i), b"v", 60)
    assert [kv.get(str(i)) for i in range(10)].count(b"v") == 3 and kv.get("9") == b"v"


def test_a_transaction_opened_inside_another_joins_it(storage: Storage) -> None:
    """Both writes commit together, or (here) roll back together."""
    with pytest.raises(RuntimeError), storage.transaction("curation") as outer:
        bump(outer, "curation")
        with storage.transaction("faq") as inner:
            bump(inner, "faq")
        with storage.read("faq") as conn:
            assert read_version(conn, "faq") == 1  # sees its own uncommitted write
        raise RuntimeError("publishing failed after both writes")
    with storage.read("faq") as conn:
        assert read_version(conn, "faq") == read_version(conn, "curation") == 0
