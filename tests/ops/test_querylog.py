"""The query log writes in the background, in batches, and never blocks the caller."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from ops.pii_samples import PII_QUERIES, SECRETS

from zwfw.ops import Click, QueryLog, RequestEvent, Turn


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


def test_a_turn_and_its_click_are_written_after_a_flush(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "ops.sqlite")
    try:
        log.record(Turn("r1", "search", "护照补办", ("a", "b"), 2, 12.5))
        log.record(Click("r1", 2, "b"))
        log.flush()
        turns = _rows(tmp_path / "ops.sqlite", "SELECT turn_id, query, shown, total FROM turns")
        clicks = _rows(tmp_path / "ops.sqlite", "SELECT turn_id, position, doc_id FROM clicks")
    finally:
        log.close()
    assert turns == [("r1", "护照补办", json.dumps(["a", "b"]), 2)]
    assert clicks == [("r1", 2, "b")]


def test_recording_never_waits_for_the_disk(tmp_path: Path) -> None:
    """With the writer stuck, `record` still returns and a full queue drops and counts."""
    dropped: list[int] = []
    log = QueryLog(
        tmp_path / "ops.sqlite", max_queue=2, batch_size=1, on_drop=lambda: dropped.append(1)
    )
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


def test_queries_are_masked_before_they_reach_the_database(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "ops.sqlite")
    try:
        for i, query in enumerate(PII_QUERIES):
            log.record(Turn(f"r{i}", "search", query, (), 0, 1.0, session_id=SECRETS[0]))
        log.flush()
    finally:
        log.close()
    raw = (tmp_path / "ops.sqlite").read_bytes() + _wal(tmp_path)
    assert not any(secret.encode() in raw for secret in SECRETS)
    assert len(_rows(tmp_path / "ops.sqlite", "SELECT * FROM turns")) == len(PII_QUERIES)


def test_closing_writes_what_is_still_queued(tmp_path: Path) -> None:
    log = QueryLog(tmp_path / "ops.sqlite", flush_seconds=60)
    for i in range(1200):
        log.record(RequestEvent("/v1/qa", "POST", 200, float(i)))
    log.close()
    assert _rows(tmp_path / "ops.sqlite", "SELECT COUNT(*) FROM requests") == [(1200,)]


def _wal(tmp_path: Path) -> bytes:
    wal = tmp_path / "ops.sqlite-wal"
    return wal.read_bytes() if wal.exists() else b""
