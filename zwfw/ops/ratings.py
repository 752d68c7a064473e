"""好差评: users rate an item, an answer or an app from 1 (very bad) to 5 (very good).

The national 好差评 scheme reports satisfaction per service and per department, so each
rating is stored with the department responsible for its target, resolved when it arrives
(a later re-organisation must not move old ratings). Comments are masked like queries.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from zwfw.core.errors import InvalidRecord
from zwfw.core.pii import mask
from zwfw.ops.db import Period, connect, transaction

MAX_TAGS = 10
MAX_TAG_CHARS = 20
MAX_COMMENT_CHARS = 500


class TargetType(StrEnum):
    """What can be rated; `answer` is a FAQ answer given by search or chat."""

    ITEM = "item"
    ANSWER = "answer"
    APP = "app"


@dataclass(frozen=True)
class Rating:
    target_type: TargetType
    target_id: str
    score: int
    tags: tuple[str, ...] = ()
    comment: str | None = None
    session_id: str | None = None
    department: str = ""
    at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Aggregate:
    """Ratings of one target or department: count, mean, and how many of each score."""

    key: str
    count: int
    mean: float
    scores: tuple[int, int, int, int, int]  # count of 1s, 2s, … 5s

    @property
    def good_share(self) -> float:
        """好评率: the share of 4s and 5s, as the 好差评 reports count it."""
        return (self.scores[3] + self.scores[4]) / self.count if self.count else 0.0


class RatingStore:
    def __init__(self, db_path: Path) -> None:
        self._db = connect(db_path)
        self._lock = threading.Lock()

    def add(self, rating: Rating) -> int:
        """Store a rating after checking it; `InvalidRecord` says what is wrong."""
        _check(rating)
        row = (
            rating.at, rating.target_type.value, rating.target_id, rating.department,
            rating.score, json.dumps([mask(t) for t in rating.tags], ensure_ascii=False),
            mask(rating.comment) if rating.comment else None,
            mask(rating.session_id) if rating.session_id else None,
        )  # fmt: skip
        with self._lock, transaction(self._db) as db:
            cur = db.execute(
                "INSERT INTO ratings (at, target_type, target_id, department, score, tags,"
                " comment, session_id) VALUES (?,?,?,?,?,?,?,?)",
                row,
            )
        return int(cur.lastrowid or 0)

    def by_target(
        self, period: Period | None = None, target_type: TargetType | None = None
    ) -> list[Aggregate]:
        """Per target (`type:id`), most ratings first."""
        key = "target_type || ':' || target_id"
        extra = ("target_type = ?", [target_type.value]) if target_type else ("1=1", [])
        return self._aggregate(key, period, extra)

    def by_department(self, period: Period | None = None) -> list[Aggregate]:
        """Per responsible department ("" when the target was not found in the index)."""
        return self._aggregate("department", period, ("1=1", []))

    def comments(self, target_type: TargetType, target_id: str, limit: int = 5) -> list[str]:
        """The latest non-empty comments on one target (already masked)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT comment FROM ratings WHERE target_type = ? AND target_id = ? AND"
                " comment IS NOT NULL AND comment != '' ORDER BY at DESC LIMIT ?",
                (target_type.value, target_id, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _aggregate(
        self, key: str, period: Period | None, extra: tuple[str, Sequence[object]]
    ) -> list[Aggregate]:
        where, params = (period or Period()).where()
        counts = ", ".join(f"SUM(score = {s})" for s in range(1, 6))
        sql = (
            f"SELECT {key}, COUNT(*), AVG(score), {counts} FROM ratings"
            f" WHERE {where} AND {extra[0]} GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        with self._lock:
            rows = self._db.execute(sql, [*params, *extra[1]]).fetchall()
        return [Aggregate(r[0], r[1], round(r[2], 3), (r[3], r[4], r[5], r[6], r[7])) for r in rows]


def _check(rating: Rating) -> None:
    if not 1 <= rating.score <= 5:
        raise InvalidRecord(f"a score is 1 to 5, not {rating.score}")
    if not rating.target_id.strip():
        raise InvalidRecord("the rated target needs an id")
    if len(rating.tags) > MAX_TAGS or any(len(t) > MAX_TAG_CHARS for t in rating.tags):
        raise InvalidRecord(f"at most {MAX_TAGS} tags of {MAX_TAG_CHARS} characters each")
    if rating.comment and len(rating.comment) > MAX_COMMENT_CHARS:
        raise InvalidRecord(f"a comment is at most {MAX_COMMENT_CHARS} characters")
