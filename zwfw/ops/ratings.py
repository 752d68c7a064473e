"""好差评: users rate an item, an answer or an app from 1 (very bad) to 5 (very good).

The national 好差评 scheme reports satisfaction per service and per department, so each
rating is stored with the department responsible for its target, resolved when it arrives
(a later re-organisation must not move old ratings). Comments are masked like queries.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from zwfw.core.errors import InvalidRecord
from zwfw.core.pii import mask
from zwfw.ops.db import Period
from zwfw.storage import Storage
from zwfw.storage.tables import ratings

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
    """Ratings in the shared state database, so every replica's votes count together."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def add(self, rating: Rating) -> int:
        """Store a rating after checking it; `InvalidRecord` says what is wrong."""
        _check(rating)
        row = {
            "at": rating.at, "target_type": rating.target_type.value,
            "target_id": rating.target_id, "department": rating.department,
            "score": rating.score,
            "tags": json.dumps([mask(t) for t in rating.tags], ensure_ascii=False),
            "comment": mask(rating.comment) if rating.comment else None,
            "session_id": mask(rating.session_id) if rating.session_id else None,
        }  # fmt: skip
        with self._storage.transaction("ratings") as conn:
            new_id = conn.execute(sa.insert(ratings).values(row).returning(ratings.c.id))
            return int(new_id.scalar_one())

    def by_target(
        self, period: Period | None = None, target_type: TargetType | None = None
    ) -> list[Aggregate]:
        """Per target (`type:id`), most ratings first."""
        key = "target_type || ':' || target_id"
        if target_type is None:
            return self._aggregate(key, period, "1=1", {})
        return self._aggregate(key, period, "target_type = :tt", {"tt": target_type.value})

    def by_department(self, period: Period | None = None) -> list[Aggregate]:
        """Per responsible department ("" when the target was not found in the index)."""
        return self._aggregate("department", period, "1=1", {})

    def comments(self, target_type: TargetType, target_id: str, limit: int = 5) -> list[str]:
        """The latest non-empty comments on one target (already masked)."""
        c = ratings.c
        query = (
            sa.select(c.comment)
            .where(c.target_type == target_type.value, c.target_id == target_id)
            .where(c.comment.is_not(None), c.comment != "")
            .order_by(c.at.desc())
            .limit(limit)
        )
        with self._storage.read("ratings") as conn:
            return [r[0] for r in conn.execute(query)]

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    def _aggregate(
        self, key: str, period: Period | None, extra: str, extra_params: Mapping[str, Any]
    ) -> list[Aggregate]:
        where, params = (period or Period()).where()
        counts = ", ".join(f"SUM(CASE WHEN score = {s} THEN 1 ELSE 0 END)" for s in range(1, 6))
        sql = (
            f"SELECT {key}, COUNT(*), AVG(score), {counts} FROM ratings"
            f" WHERE {where} AND {extra} GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        with self._storage.read("ratings") as conn:
            rows = conn.execute(sa.text(sql), {**params, **extra_params}).all()
        return [_aggregate_row(r) for r in rows]


def _aggregate_row(row: Any) -> Aggregate:
    s1, s2, s3, s4, s5 = (int(n) for n in row[3:8])  # PostgreSQL sums are Decimals
    return Aggregate(row[0], int(row[1]), round(float(row[2]), 3), (s1, s2, s3, s4, s5))


def _check(rating: Rating) -> None:
    if not 1 <= rating.score <= 5:
        raise InvalidRecord(f"a score is 1 to 5, not {rating.score}")
    if not rating.target_id.strip():
        raise InvalidRecord("the rated target needs an id")
    if len(rating.tags) > MAX_TAGS or any(len(t) > MAX_TAG_CHARS for t in rating.tags):
        raise InvalidRecord(f"at most {MAX_TAGS} tags of {MAX_TAG_CHARS} characters each")
    if rating.comment and len(rating.comment) > MAX_COMMENT_CHARS:
        raise InvalidRecord(f"a comment is at most {MAX_COMMENT_CHARS} characters")
