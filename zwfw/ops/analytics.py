"""What administrators read to find what fails: figures over the query log and the ratings.

Every figure takes a `Period` (whole Beijing days from the admin routes) and returns frozen
rows, which the routes serve as JSON or CSV. Queries are grouped by their normalised form,
and everything read here was masked before it was written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from zwfw.ops.db import Period
from zwfw.ops.ratings import RatingStore, TargetType
from zwfw.storage import Storage


@dataclass(frozen=True)
class QueryCount:
    query: str  # the most frequent spelling of the group
    count: int
    example: str  # another spelling, or the same one


@dataclass(frozen=True)
class NoClickQuery:
    query: str
    searches: int  # searches that showed results
    without_click: int


@dataclass(frozen=True)
class PositionCtr:
    position: int  # 1-based, over the whole result list
    impressions: int  # turns that showed a result at this position
    clicks: int
    ctr: float


@dataclass(frozen=True)
class LowRatedAnswer:
    answer_id: str
    ratings: int
    mean: float


@dataclass(frozen=True)
class HandoffRate:
    turns: int  # chat and QA turns
    handoffs: int
    rate: float


@dataclass(frozen=True)
class RouteLatency:
    route: str
    requests: int
    p50_ms: float
    p99_ms: float


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of an ascending list; 0.0 when empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil without floats drifting
    return sorted_values[int(rank) - 1]


class Analytics:
    def __init__(self, storage: Storage, ratings: RatingStore) -> None:
        self._storage = storage
        self.ratings = ratings

    def top_queries(self, period: Period, limit: int = 50) -> list[QueryCount]:
        """The most frequent search and chat queries."""
        return self._grouped(period, "1=1", limit)

    def zero_result_queries(self, period: Period, limit: int = 50) -> list[QueryCount]:
        """Searches that found nothing at all: candidates for synonyms and new content."""
        return self._grouped(period, "route = 'search' AND total = 0", limit)

    def handoff_queries(self, period: Period, limit: int = 50) -> list[QueryCount]:
        """Questions that chat or QA handed to a human."""
        return self._grouped(period, "action = 'handoff'", limit)

    def no_click_queries(self, period: Period, limit: int = 50) -> list[NoClickQuery]:
        """Searches that showed results nobody clicked: the results look wrong to users."""
        where, params = period.where("t.at")
        missed = (
            "SUM(CASE WHEN EXISTS (SELECT 1 FROM clicks c WHERE c.turn_id = t.turn_id)"
            " THEN 0 ELSE 1 END)"
        )
        rows = self._rows(
            f"SELECT MIN(t.query), COUNT(*), {missed} FROM turns t"
            f" WHERE {where} AND t.route = 'search' AND t.total > 0 GROUP BY t.query_key"
            f" HAVING {missed} > 0 ORDER BY 3 DESC, 1 LIMIT :limit",
            {**params, "limit": limit},
        )
        return [NoClickQuery(r[0], int(r[1]), int(r[2])) for r in rows]

    def ctr_by_position(self, period: Period, positions: int = 10) -> list[PositionCtr]:
        """Click-through at each position: clicked turns / turns that showed that position."""
        where, params = period.where("t.at")
        turns = self._rows(
            f"SELECT result_offset, shown FROM turns t WHERE {where} AND route = 'search'",
            params,
        )
        impressions: dict[int, int] = defaultdict(int)
        for offset, shown_json in turns:
            shown = len(json.loads(shown_json))
            for position in range(offset + 1, min(offset + shown, positions) + 1):
                impressions[position] += 1
        clicked = dict(
            self._rows(
                "SELECT c.position, COUNT(DISTINCT c.turn_id) FROM clicks c JOIN turns t"
                f" ON t.turn_id = c.turn_id WHERE {where} AND t.route = 'search'"
                " GROUP BY c.position",
                params,
            )
        )
        return [
            PositionCtr(p, impressions[p], clicked.get(p, 0), _ratio(clicked.get(p, 0), n))
            for p in range(1, positions + 1)
            if (n := impressions[p])
        ]

    def low_rated_answers(
        self, period: Period, max_mean: float = 2.5, min_ratings: int = 1
    ) -> list[LowRatedAnswer]:
        """Answers whose mean score is at or below `max_mean`, worst first."""
        rows = self.ratings.by_target(period, TargetType.ANSWER)
        low = [
            LowRatedAnswer(a.key.removeprefix("answer:"), a.count, a.mean)
            for a in rows
            if a.count >= min_ratings and a.mean <= max_mean
        ]
        return sorted(low, key=lambda a: (a.mean, -a.ratings, a.answer_id))

    def handoff_rate(self, period: Period) -> HandoffRate:
        """The share of chat/QA turns handed to a human (turns with an `action`)."""
        where, params = period.where()
        turns, handoffs = self._rows(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN action = 'handoff' THEN 1 ELSE 0 END), 0)"
            f" FROM turns WHERE {where} AND action IS NOT NULL",
            params,
        )[0]
        return HandoffRate(int(turns), int(handoffs), _ratio(int(handoffs), int(turns)))

    def latency(self, period: Period) -> list[RouteLatency]:
        """p50 and p99 request latency per route template, from the request log."""
        where, params = period.where()
        by_route: dict[str, list[float]] = defaultdict(list)
        for route, ms in self._rows(
            f"SELECT route, latency_ms FROM requests WHERE {where} ORDER BY route, latency_ms",
            params,
        ):
            by_route[route].append(ms)
        return [
            RouteLatency(r, len(v), round(percentile(v, 50), 3), round(percentile(v, 99), 3))
            for r, v in sorted(by_route.items())
        ]

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    def _grouped(self, period: Period, condition: str, limit: int) -> list[QueryCount]:
        where, params = period.where()
        # The group's label is its most frequent spelling; the example its least frequent.
        rows = self._rows(
            "WITH s AS (SELECT query_key, query, COUNT(*) AS n FROM turns"
            f" WHERE {where} AND {condition} GROUP BY query_key, query)"
            " SELECT (SELECT query FROM s s2 WHERE s2.query_key = s.query_key"
            "         ORDER BY n DESC, query LIMIT 1),"
            "        SUM(n),"
            "        (SELECT query FROM s s2 WHERE s2.query_key = s.query_key"
            "         ORDER BY n, query DESC LIMIT 1)"
            " FROM s GROUP BY query_key ORDER BY 2 DESC, 1 LIMIT :limit",
            {**params, "limit": limit},
        )
        return [QueryCount(r[0], int(r[1]), r[2]) for r in rows]

    def _rows(self, sql: str, params: Mapping[str, Any]) -> list[Any]:
        with self._storage.read("query log") as conn:
            return list(conn.execute(sa.text(sql), dict(params)).all())


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
