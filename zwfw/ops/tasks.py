"""Curation tasks found in the logs: what keeps failing, with counts and examples.

Three signals become tasks once they recur within a window (default: 3 times in 7 days), so
one odd query does not start work: a query with zero results, a FAQ answer rated low, and a
question handed to a human. A task is keyed by the normalised query or the answer id, and its
count and examples are refreshed while it is open.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.storage import sql

DAY = 86_400.0
EXAMPLES = 5


class TaskKind(StrEnum):
    ZERO_RESULT = "zero_result"
    LOW_RATING = "low_rating"
    HANDOFF = "handoff"


class TaskStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # a proposal made for it went live
    DISMISSED = "dismissed"  # an editor judged it not worth a fix


@dataclass(frozen=True)
class Thresholds:
    window_days: float = 7.0
    min_count: int = 3  # occurrences (queries) or ratings (answers) in the window
    max_mean_score: float = 2.5  # an answer at or below this mean is "low-rated"


@dataclass(frozen=True)
class Task:
    id: int
    kind: TaskKind
    key: str  # normalised query, or the answer id for low ratings
    count: int
    examples: tuple[str, ...]
    first_seen: float
    last_seen: float
    status: TaskStatus


_QUERY_SIGNAL = """
SELECT query_key, COUNT(*), {agg}(DISTINCT query), MIN(at), MAX(at)
FROM turns WHERE at >= :since AND {condition} GROUP BY query_key HAVING COUNT(*) >= :min_count
"""
_RATING_SIGNAL = """
SELECT target_id, COUNT(*), {agg}(comment) FILTER (WHERE comment != ''), MIN(at), MAX(at)
FROM ratings WHERE at >= :since AND target_type = 'answer'
GROUP BY target_id HAVING COUNT(*) >= :min_count AND AVG(score) <= :max_mean
"""
_UPSERT = """
INSERT INTO tasks (kind, key, count, examples, first_seen, last_seen)
VALUES (:kind, :key, :count, :examples, :first, :last)
ON CONFLICT (kind, key) DO UPDATE SET count = excluded.count, examples = excluded.examples,
    last_seen = excluded.last_seen WHERE tasks.status = 'open'
"""


def detect(conn: Connection, limits: Thresholds, now: float | None = None) -> int:
    """Create or refresh the tasks of every recurring signal; returns how many were seen.

    The caller holds a transaction.
    """
    params = {
        "since": (now or time.time()) - limits.window_days * DAY,
        "min_count": limits.min_count, "max_mean": limits.max_mean_score,
    }  # fmt: skip
    agg = sql.json_array_agg(conn)
    rows: list[tuple[TaskKind, Any]] = []
    for kind, condition in (
        (TaskKind.ZERO_RESULT, "route = 'search' AND total = 0"),
        (TaskKind.HANDOFF, "action = 'handoff'"),
    ):
        query = sa.text(_QUERY_SIGNAL.format(condition=condition, agg=agg))
        rows += [(kind, r) for r in conn.execute(query, params)]
    low = conn.execute(sa.text(_RATING_SIGNAL.format(agg=agg)), params)
    rows += [(TaskKind.LOW_RATING, r) for r in low]
    for kind, (key, count, examples, first, last) in rows:
        found = json.loads(examples) if isinstance(examples, str) else (examples or [])
        conn.execute(sa.text(_UPSERT), {
            "kind": kind.value, "key": key, "count": count, "first": first, "last": last,
            "examples": json.dumps(found[-EXAMPLES:], ensure_ascii=False),
        })  # fmt: skip
    return len(rows)


def row_to_task(row: Sequence[Any]) -> Task:
    """A task from a `SELECT * FROM tasks` row (the columns of `storage.tables.tasks`)."""
    id_, kind, key, count, examples, first, last, status = row
    return Task(
        id_, TaskKind(kind), key, count, tuple(json.loads(examples)), first, last,
        TaskStatus(status),
    )  # fmt: skip
