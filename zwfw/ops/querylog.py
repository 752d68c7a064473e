"""The search and chat turn log: queries, results shown, clicks and request latencies.

Logging must never slow a search, so the request path only puts a frozen record on a bounded
queue; a background thread masks personal data and writes batches in one transaction. When
the queue is full (the disk stalls), records are dropped and counted rather than blocking.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zwfw.core.pii import mask
from zwfw.models import normalize
from zwfw.ops.db import connect, transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Turn:
    """One search or chat turn. `turn_id` is the request id, which the client already has
    (the X-Request-ID header) and sends back with a click."""

    turn_id: str
    route: str  # "search", "qa", "chat"
    query: str  # raw: masked by the writer before it is stored
    shown: tuple[str, ...]  # ids of the results shown, in order
    total: int  # results found; 0 is a zero-result query
    latency_ms: float
    result_offset: int = 0  # results before the first shown one (page 2 of 10 → 10)
    action: str | None = None  # chat: answer, clarify or handoff
    session_id: str | None = None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Click:
    """A click on the result at 1-based `position` of the whole result list."""

    turn_id: str
    position: int
    doc_id: str
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class RequestEvent:
    """One HTTP request, by route template (never the raw path, which may hold a query)."""

    route: str
    method: str
    status: int
    latency_ms: float
    at: float = field(default_factory=time.time)


Event = Turn | Click | RequestEvent


class QueryLog:
    """Asynchronous, batched writer; `flush()` waits for everything enqueued so far."""

    def __init__(
        self,
        db_path: Path,
        max_queue: int = 50_000,
        batch_size: int = 500,
        flush_seconds: float = 0.5,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        self._db = connect(db_path)
        self._queue: queue.Queue[Event | threading.Event | None] = queue.Queue(max_queue)
        self._batch_size, self._flush_seconds = batch_size, flush_seconds
        self._on_drop = on_drop
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="zwfw-querylog", daemon=True)
        self._thread.start()

    def record(self, event: Event) -> None:
        """Enqueue without blocking; a full queue drops the event (counted in `dropped`)."""
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            if self._on_drop is not None:
                self._on_drop()

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def flush(self, timeout: float = 10.0) -> None:
        """Block until every event enqueued before this call is written."""
        done = threading.Event()
        self._queue.put(done, timeout=timeout)
        if not done.wait(timeout):
            raise TimeoutError("the query log did not flush in time")

    def close(self) -> None:
        """Write what is queued, stop the writer thread and close the database."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)
        self._db.close()

    def _run(self) -> None:
        stop = False
        while not stop:
            batch: list[Event] = []
            waiters: list[threading.Event] = []
            deadline = time.monotonic() + self._flush_seconds
            while len(batch) < self._batch_size:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                if isinstance(item, threading.Event):
                    waiters.append(item)
                    break
                batch.append(item)
            self._write(batch)
            for waiter in waiters:
                waiter.set()

    def _write(self, batch: Sequence[Event]) -> None:
        if not batch:
            return
        try:
            with transaction(self._db) as db:
                for event in batch:
                    _insert(db, event)
        except Exception:
            # The log is best effort: a bad batch must not kill the writer thread.
            log.exception("query log batch of %d events lost", len(batch))


def _insert(db: sqlite3.Connection, event: Event) -> None:
    if isinstance(event, Turn):
        query = mask(event.query)
        db.execute(
            "INSERT OR IGNORE INTO turns VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                event.turn_id, event.at, event.route, query, query_key(query),
                json.dumps(list(event.shown)), event.result_offset, event.total,
                event.action, event.latency_ms, _mask_opt(event.session_id),
            ),
        )  # fmt: skip
    elif isinstance(event, Click):
        db.execute(
            "INSERT OR IGNORE INTO clicks VALUES (?,?,?,?)",
            (event.turn_id, event.position, mask(event.doc_id), event.at),
        )
    else:
        db.execute(
            "INSERT INTO requests VALUES (?,?,?,?,?)",
            (event.at, event.route, event.method, event.status, event.latency_ms),
        )


def query_key(query: str) -> str:
    """The grouping key of a query: 護照 and 护照, "ＡＢＣ" and "abc" count as one."""
    return normalize(query)


def _mask_opt(text: str | None) -> str | None:
    """Client-chosen identifiers are free text too: mask them like queries."""
    return None if text is None else mask(text)
