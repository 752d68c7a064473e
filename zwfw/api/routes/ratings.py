"""User feedback: 好差评 ratings of items, answers and apps, and clicks on search results.

Both are open to anonymous users, so both are rate-limited per client address; a click is
only enqueued (it names the search by the X-Request-ID the search response carried).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zwfw.api.deps import MaybeRuntimeDep, OpsDep
from zwfw.api.errors import responses
from zwfw.core.errors import RateLimited
from zwfw.core.pii import mask
from zwfw.core.records import doc_key
from zwfw.ops import Click, Rating, TargetType
from zwfw.ops.ratelimit import Limiter
from zwfw.ops.ratings import MAX_COMMENT_CHARS, MAX_TAG_CHARS, MAX_TAGS
from zwfw.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["feedback"], responses=responses(429))


class RatingTarget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: TargetType = Field(description="item, answer (a FAQ answer) or app")
    id: str = Field(min_length=1, max_length=200)


Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_CHARS)
]


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: RatingTarget
    score: int = Field(ge=1, le=5, description="1 非常不满意 … 5 非常满意")
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    session_id: str | None = Field(None, max_length=100)


class RatingPublic(BaseModel):
    id: int
    target: RatingTarget
    score: int
    department: str = Field(description="the department responsible for the target, if known")


class ClickCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request_id: str = Field(min_length=1, max_length=100, description="X-Request-ID of the search")
    position: int = Field(ge=1, le=1000, description="1-based, over the whole result list")
    id: str = Field(min_length=1, max_length=200, description="the clicked result's id")


@router.post("/ratings", response_model=RatingPublic, status_code=201)
def rate(body: RatingCreate, request: Request, ops: OpsDep, runtime: MaybeRuntimeDep) -> Any:
    _limit(request, ops.rating_limiter)
    # Mask first: a number cut in half by the length limit would no longer look like one.
    tags = tuple(mask(t)[:MAX_TAG_CHARS] for t in body.tags)
    department = _department(runtime, body.target)
    # Masked here, not only in the store: the target id is free text too (a typed number).
    rating = Rating(
        body.target.type, mask(body.target.id), body.score, tags, body.comment,
        body.session_id, department,
    )  # fmt: skip
    rating_id = ops.ratings.add(rating)
    return RatingPublic(id=rating_id, target=body.target, score=body.score, department=department)


@router.post(
    "/clicks",
    status_code=202,
    response_class=Response,
    responses={202: {"description": "queued; the response has no body"}},
)
def click(body: ClickCreate, request: Request, ops: OpsDep) -> Response:
    _limit(request, ops.click_limiter)
    # The request id is client-chosen text: mask it here, before any store sees it.
    ops.querylog.record(Click(mask(body.request_id), body.position, body.id))
    return Response(status_code=202)


def _limit(request: Request, limiter: Limiter) -> None:
    """`RateLimited` (429 with Retry-After) when this client is over its budget."""
    # Keyed by address, not session id: a client chooses its session id freely.
    client = request.client.host if request.client else "unknown"
    wait = limiter.acquire(client)
    if wait:
        retry = math.ceil(wait)
        raise RateLimited(f"too many requests from this client; retry in {retry} s", retry)


def _department(runtime: Runtime | None, target: RatingTarget) -> str:
    """The department of the rated record in the serving index; "" when the index is not
    loaded or the record is unknown (the rating is still kept)."""
    if runtime is None:
        return ""
    kind = "faq" if target.type is TargetType.ANSWER else target.type.value
    record = runtime.index.docs.get([doc_key(kind, target.id)]).get(doc_key(kind, target.id))
    return str(getattr(record, "department", "") or "")
