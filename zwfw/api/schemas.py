"""Request and response schemas of the public HTTP contract (see docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from zwfw.models import has_content


class SearchHitPublic(BaseModel):
    id: str = Field(description="item code for items, FAQ id for FAQ entries")
    type: Literal["item", "app", "faq", "policy"]
    title: str
    score: float
    snippet: str
    highlight: dict[str, str] = Field(description="title and snippet with matches in <em>")
    department: str
    region: str | None
    url: str | None


class SearchResponse(BaseModel):
    query: str
    total: int
    took_ms: float
    hits: list[SearchHitPublic]
    facets: dict[str, dict[str, int]]
    corrected_query: str | None = Field(
        None, description="the query actually searched, when a typo correction was applied"
    )
    did_you_mean: str | None = Field(None, description="a suggested correction, not applied")
    fallback: Literal["none", "relaxed", "vector_only", "suggestions"] = Field(
        "none", description="which zero-result fallback produced the hits"
    )
    suggestions: list[str] = Field(default_factory=list, description="when nothing matched")
    hotline: str | None = Field(None, description="the service hotline, when nothing matched")


def _with_content(text: str) -> str:
    if not has_content(text):
        raise ValueError("the question is empty (it has no letter, digit or hanzi)")
    return text


class QaRequest(BaseModel):
    question: Annotated[str, AfterValidator(_with_content)] = Field(min_length=1)


class SourcePublic(BaseModel):
    id: str
    type: str
    title: str
    region: str = Field("", description="whose rules the entry states (北京市); empty if none")


class SuggestionPublic(BaseModel):
    id: str
    question: str
    score: float


class QaResponse(BaseModel):
    action: Literal["answer", "clarify", "handoff"]
    answer: str | None
    sources: list[SourcePublic]
    suggestions: list[SuggestionPublic]


class ErrorBody(BaseModel):
    type: str
    title: str
    status: int
    code: str
    detail: str
    request_id: str | None


# A database row id as a path or query parameter: ids past SQLite's signed 64-bit range
# cannot exist, so they are 422 instead of an OverflowError (500) deep in the driver.
DbId = Annotated[int, Interval(ge=1, le=2**63 - 1)]


def _to_datetime(value: object) -> object:
    """Stores keep epoch seconds or aware datetimes; both become an aware datetime."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    return value


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # naive values in the stores are UTC
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")


# The one timestamp format of the API: ISO 8601 in UTC with a numeric offset,
# "2026-12-06T03:45:12.345+00:00" (curation used epoch floats, synonyms "Z", the personal
# space "+08:00"). Every response field that is a point in time has this type.
Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_to_datetime),
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
