"""The query log writes in the background, in batches, and never blocks the caller."""

from __future__ import annotations

import json
import threading

from ops.pii_samples import PII_QUERIES, SECRETS

from zwfw.ops import Click, QueryLog, RequestEvent, Turn
from zwfw.storage import Storage


def _rows(storage: Storage, sql: str) -> list[tuple[object, ...]]:
    with storage.engine.connect() as db:
        return [tuple(r) for r in db.exec_driver_sql(sql)]


def _everything_stored(storage: Storage) -> bytes:
    """Every byte the database holds for the log: the SQLite files, or a PostgreSQL dump of
    every text column of the log tables."""
    if storage.is_sqlite and storage.path is not None:
        files = [storage.path, storage.path.with_name(storage.path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    dump = "".join(
        repr(_rows(storage, f"SELECT * FROM {table}")) for table in ("turns", "clicks", "requests")
    )
    return dump.encode()


def test_a_turn_and_its_click_are_written_after_a_flush(storage: Storage) -> None:
    log = QueryLog(storage)
    try:
        log.record(Turn("r1", "search", "护照补办", ("a", "b"), 2, 12.5))
        log.record(Click("r1", 2, "b"))
        log.flush()
        turns = _rows(storage, "SELECT turn_id, query, shown, total FROM turns")
        clicks = _rows(storage, "SELECT turn_id, position, doc_id FROM clicks")
    finally:
        log.close()
    assert turns == [("r1", "护照补办", json.dumps(["a", "b"]), 2)]
    assert clicks == [("r1", 2, "b")]


def test_recording_never_waits_for_the_disk(storage: Storage) -> None:
    """With the writer stuck, `record` still returns and a full queue drops and counts."""
    dropped: list[int] = []
    log = QueryLog(storage, max_queue=2, batch_size=1, on_drop=lambda: dropped.append(1))
    entered, release = threading.Event(), threading.Event()
    original = log._write

    def stuck(batch: object) -> None:
        entered.set()
        release.wait(5)
        original(batch)  # type: ignore[arg-type]

    log._write = stuck  # type: ignore[method-assign]
    try:
        log.record(RequestEvent("/v1/search", "GET", 200, 1.0))
        assert entered.wait(5)
        for _ in range(50):
            log.record(RequestEvent("/v1/search", "GET", 200, 1.0))
        assert log.dropped == 48 and len(dropped) == 48
    finally:
        release.set()
        log.close()


def test_queries_are_masked_before_they_reach_the_database(storage: Storage) -> None:
    log = QueryLog(storage)
    try:
        for i, query in enumerate(PII_QUERIES):
            log.record(Turn(f"r{i}", "search", query, (), 0, 1.0, session_id=SECRETS[0]))
        log.flush()
    finally:
        log.close()
    raw = _everything_stored(storage)
    assert not any(secret.encode() in raw for secret in SECRETS)
    assert len(_rows(storage, "SELECT * FROM turns")) == len(PII_QUERIES)


def test_closing_writes_what_is_still_queued(storage: Storage) -> None:
    log = QueryLog(storage, flush_seconds=60)
    for i in range(1200):
        log.record(RequestEvent("/v1/qa", "POST", 200, float(i)))
    log.close()
    assert _rows(storage, "SELECT COUNT(*) FROM requests") == [(1200,)]


def test_events_older_than_the_retention_are_deleted(storage: Storage) -> None:
    import time

    log = QueryLog(storage, retention_days=1)
    try:
        log.record(Turn("old", "search", "旧查询", (), 0, 1.0, at=time.time() - 2 * 86_400))
        log.record(Turn("new", "search", "新查询", (), 0, 1.0))
        log.flush()  # the first batch is written, then the retention pass runs
        log._pruned = float("-inf")
        log.record(RequestEvent("/v1/search", "GET", 200, 1.0))
        log.flush()
    finally:
        log.close()
    assert _rows(storage, "SELECT turn_id FROM turns") == [("new",)]
