"""Search analytics for administrators, as JSON or as CSV (`?format=csv`).

Dates are whole Beijing days, both inclusive (`since=2025-03-01&until=2025-03-31`). Any
curation role may read them: editors need the figures to decide what to fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from zwfw.api.deps import OpsDep
from zwfw.api.errors import responses
from zwfw.api.routes.curation import requires
from zwfw.core.errors import InvalidQuery
from zwfw.ops import Period, Permission
from zwfw.ops.analytics import (
    HandoffRate,
    LowRatedAnswer,
    NoClickQuery,
    PositionCtr,
    QueryCount,
    RouteLatency,
)
from zwfw.ops.export import to_csv

router = APIRouter(
    prefix="/v1/admin/analytics",
    tags=["analytics"],
    # format=csv answers the same rows as a spreadsheet file.
    responses={
        **responses(401, 403),
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
    },
    dependencies=[Depends(requires(Permission.READ))],
)

Format = Literal["json", "csv"]
Limit = Annotated[int, Query(ge=1, le=1000)]
RATING_COLUMNS = ["key", "count", "mean", "good_share", *(f"score_{i}" for i in range(1, 6))]


def period(
    since: Annotated[dt.date | None, Query(description="first day, inclusive")] = None,
    until: Annotated[dt.date | None, Query(description="last day, inclusive")] = None,
) -> Period:
    if since and until and since > until:
        raise InvalidQuery("since is after until")
    if until and until >= dt.date.max:
        raise InvalidQuery("until is too far in the future; leave it out for no upper bound")
    return Period.from_dates(since, until)


PeriodDep = Annotated[Period, Depends(period)]


@router.get("/top-queries", response_model=list[QueryCount])
def top_queries(ops: OpsDep, p: PeriodDep, limit: Limit = 50, format: Format = "json") -> Any:
    return _out(ops.analytics.top_queries(p, limit), format, "top-queries", QueryCount)


@router.get("/zero-result-queries", response_model=list[QueryCount])
def zero_result(ops: OpsDep, p: PeriodDep, limit: Limit = 50, format: Format = "json") -> Any:
    rows = ops.analytics.zero_result_queries(p, limit)
    return _out(rows, format, "zero-result-queries", QueryCount)


@router.get("/no-click-queries", response_model=list[NoClickQuery])
def no_click(ops: OpsDep, p: PeriodDep, limit: Limit = 50, format: Format = "json") -> Any:
    rows = ops.analytics.no_click_queries(p, limit)
    return _out(rows, format, "no-click-queries", NoClickQuery)


@router.get("/ctr-by-position", response_model=list[PositionCtr])
def ctr(
    ops: OpsDep,
    p: PeriodDep,
    positions: Annotated[int, Query(ge=1, le=100)] = 10,
    format: Format = "json",
) -> Any:
    rows = ops.analytics.ctr_by_position(p, positions)
    return _out(rows, format, "ctr-by-position", PositionCtr)


@router.get("/low-rated-answers", response_model=list[LowRatedAnswer])
def low_rated(
    ops: OpsDep,
    p: PeriodDep,
    max_mean: Annotated[float, Query(ge=1, le=5)] = 2.5,
    min_ratings: Annotated[int, Query(ge=1)] = 1,
    format: Format = "json",
) -> Any:
    rows = ops.analytics.low_rated_answers(p, max_mean, min_ratings)
    return _out(rows, format, "low-rated-answers", LowRatedAnswer)


@router.get("/handoff-rate", response_model=HandoffRate)
def handoff_rate(ops: OpsDep, p: PeriodDep, format: Format = "json") -> Any:
    rate = ops.analytics.handoff_rate(p)
    return rate if format == "json" else _csv([rate], "handoff-rate", HandoffRate)


@router.get("/handoff-queries", response_model=list[QueryCount])
def handoff_queries(ops: OpsDep, p: PeriodDep, limit: Limit = 50, format: Format = "json") -> Any:
    rows = ops.analytics.handoff_queries(p, limit)
    return _out(rows, format, "handoff-queries", QueryCount)


@router.get("/latency", response_model=list[RouteLatency])
def latency(ops: OpsDep, p: PeriodDep, format: Format = "json") -> Any:
    return _out(ops.analytics.latency(p), format, "latency", RouteLatency)


class RatingAggregate(BaseModel):
    key: str
    count: int
    mean: float
    good_share: float = Field(description="好评率: the share of 4 and 5 scores")
    scores: list[int] = Field(description="how many 1s, 2s, 3s, 4s and 5s")


@router.get("/ratings", response_model=list[RatingAggregate])
def ratings(
    ops: OpsDep,
    p: PeriodDep,
    by: Literal["target", "department"] = "target",
    format: Format = "json",
) -> Any:
    """好差评 per target (`item:…`, `answer:…`, `app:…`) or per department."""
    rows = ops.ratings.by_target(p) if by == "target" else ops.ratings.by_department(p)
    if format == "json":
        return [
            RatingAggregate(key=a.key, count=a.count, mean=a.mean,
                            good_share=round(a.good_share, 4), scores=list(a.scores))
            for a in rows
        ]  # fmt: skip
    flat = [
        {"key": a.key, "count": a.count, "mean": a.mean, "good_share": round(a.good_share, 4)}
        | {f"score_{i}": n for i, n in enumerate(a.scores, start=1)}
        for a in rows
    ]
    return _download(to_csv(flat, RATING_COLUMNS), f"ratings-by-{by}")


def _out(rows: Sequence[Any], format: Format, name: str, kind: type) -> Any:
    return rows if format == "json" else _csv(rows, name, kind)


def _csv(rows: Sequence[Any], name: str, kind: type) -> Response:
    columns = [f.name for f in fields(kind)]
    return _download(to_csv((asdict(r) for r in rows), columns), name)


def _download(text: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
