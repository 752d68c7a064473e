"""The search and chat turn log: queries, results shown, clicks and request latencies.

Logging must never slow a search, so the request path only puts a frozen record on a bounded
queue; a background thread masks personal data and writes batches in one transaction. When
the queue is full (the disk stalls), records are dropped and counted rather than blocking.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.core.pii import mask
from zwfw.models import normalize
from zwfw.storage import Storage, sql
from zwfw.storage.tables import clicks, requests, turns

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600.0


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
        storage: Storage,
        max_queue: int = 50_000,
        batch_size: int = 500,
        flush_seconds: float = 0.5,
        on_drop: Callable[[], None] | None = None,
        retention_days: float | None = None,
    ) -> None:
        self._storage = storage
        self._retention = None if retention_days is None else retention_days * 86_400
        self._pruned = float("-inf")
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
        """Write what is queued and stop the writer thread (the storage stays open)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)

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
            self._prune()
            for waiter in waiters:
                waiter.set()

    def _prune(self) -> None:
        """Delete what is older than the retention, at most hourly: the log must not grow
        without bound (195,000 turns made a 33 MB file)."""
        if self._retention is None or time.monotonic() - self._pruned < PRUNE_EVERY_SECONDS:
            return
        self._pruned = time.monotonic()
        cutoff = time.time() - self._retention
        try:
            with self._storage.transaction("query log") as conn:
                for table in (turns, clicks, requests):
                    conn.execute(sa.delete(table).where(table.c.at < cutoff))
        except Exception:
            log.exception("query log retention pass failed; retried in an hour")

    def _write(self, batch: Sequence[Event]) -> None:
        if not batch:
            return
        try:
            with self._storage.transaction("query log") as conn:
                _insert(conn, batch)
        except Exception:
            # The log is best effort: a bad batch must not kill the writer thread, but a
            # lost batch is counted like a dropped event, so a full disk shows in metrics.
            log.exception("query log batch of %d events lost", len(batch))
            self.dropped += len(batch)
            if self._on_drop is not None:
                for _ in batch:
                    self._on_drop()


def _insert(conn: Connection, batch: Sequence[Event]) -> None:
    """One multi-row INSERT per table; a turn or click sent twice is kept once."""
    rows: dict[sa.Table, list[dict[str, Any]]] = {turns: [], clicks: [], requests: []}
    for event in batch:
        if isinstance(event, Turn):
            query = mask(event.query)
            rows[turns].append({
                "turn_id": event.turn_id, "at": event.at, "route": event.route, "query": query,
                "query_key": query_key(query), "shown": json.dumps(list(event.shown)),
                "result_offset": event.result_offset, "total": event.total,
                "action": event.action, "latency_ms": event.latency_ms,
                "session_id": _mask_opt(event.session_id),
            })  # fmt: skip
        elif isinstance(event, Click):
            rows[clicks].append({
                "turn_id": event.turn_id, "position": event.position,
                "doc_id": mask(event.doc_id), "at": event.at,
            })  # fmt: skip
        else:
            rows[requests].append({
                "at": event.at, "route": event.route, "method": event.method,
                "status": event.status, "latency_ms": event.latency_ms,
            })  # fmt: skip
    for table, values in rows.items():
        if values:
            conn.execute(sql.insert(conn, table).on_conflict_do_nothing(), values)


def query_key(query: str) -> str:
    """The grouping key of a query: 護照 and 护照, "ＡＢＣ" and "abc" count as one."""
    return normalize(query)


def _mask_opt(text: str | None) -> str | None:
    """Client-chosen identifiers are free text too: mask them like queries."""
    return None if text is None else mask(text)
