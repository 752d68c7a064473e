"""Curation tasks found in the logs: what keeps failing, with counts and examples.

Three signals become tasks once they recur within a window (default: 3 times in 7 days), so
one odd query does not start work: a query with zero results, a FAQ answer rated low, and a
question handed to a human. A task is keyed by the normalised query or the answer id, and its
count and examples are refreshed while it is open.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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


SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL,
    examples TEXT NOT NULL, first_seen REAL NOT NULL, last_seen REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'open', UNIQUE (kind, key)
);
"""

_QUERY_SIGNAL = """
SELECT query_key, COUNT(*), json_group_array(DISTINCT query), MIN(at), MAX(at)
FROM turns WHERE at >= ? AND {condition} GROUP BY query_key HAVING COUNT(*) >= ?
"""
_RATING_SIGNAL = """
SELECT target_id, COUNT(*), json_group_array(comment) FILTER (WHERE comment != ''),
       MIN(at), MAX(at)
FROM ratings WHERE at >= ? AND target_type = 'answer'
GROUP BY target_id HAVING COUNT(*) >= ? AND AVG(score) <= ?
"""
_UPSERT = """
INSERT INTO tasks (kind, key, count, examples, first_seen, last_seen) VALUES (?,?,?,?,?,?)
ON CONFLICT (kind, key) DO UPDATE SET count = excluded.count, examples = excluded.examples,
    last_seen = excluded.last_seen WHERE tasks.status = 'open'
"""


def detect(db: sqlite3.Connection, limits: Thresholds, now: float | None = None) -> int:
    """Create or refresh the tasks of every recurring signal; returns how many were seen.

    The caller holds the connection's lock and a transaction.
    """
    since = (now or time.time()) - limits.window_days * DAY
    rows: list[tuple[TaskKind, Any]] = []
    for kind, condition in (
        (TaskKind.ZERO_RESULT, "route = 'search' AND total = 0"),
        (TaskKind.HANDOFF, "action = 'handoff'"),
    ):
        sql = _QUERY_SIGNAL.format(condition=condition)
        rows += [(kind, r) for r in db.execute(sql, (since, limits.min_count))]
    low = db.execute(_RATING_SIGNAL, (since, limits.min_count, limits.max_mean_score))
    rows += [(TaskKind.LOW_RATING, r) for r in low]
    for kind, (key, count, examples, first, last) in rows:
        sample = json.dumps(json.loads(examples)[-EXAMPLES:], ensure_ascii=False)
        db.execute(_UPSERT, (kind.value, key, count, sample, first, last))
    return len(rows)


def row_to_task(row: Sequence[Any]) -> Task:
    """A task from a `SELECT * FROM tasks` row."""
    id_, kind, key, count, examples, first, last, status = row
    return Task(
        id_, TaskKind(kind), key, count, tuple(json.loads(examples)), first, last,
        TaskStatus(status),
    )  # fmt: skip
