"""Search-box suggestions: completions of what the user has typed so far (hanzi or pinyin)."""

from __future__ import annotations

import time
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from zwfw.api.deps import RuntimeDep
from zwfw.core.errors import InvalidQuery

router = APIRouter(prefix="/v1", tags=["search"])
MAX_PREFIX_CHARS = 50
MAX_SIZE = 20


class SuggestionOut(BaseModel):
    text: str = Field(description="the completion to show and, when chosen, to search for")
    kind: Literal["item", "app", "synonym", "query"]
    id: str | None = Field(description="the item or app it stands for; null: search for text")
    score: float = Field(description="higher is better; orders like the list")


class SuggestResponse(BaseModel):
    query: str
    suggestions: list[SuggestionOut]
    took_ms: float


@router.get("/suggest", response_model=SuggestResponse)
def suggest(
    runtime: RuntimeDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            description=f"typed so far: hanzi, pinyin or initials; 1–{MAX_PREFIX_CHARS} chars",
        ),
    ],
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 8,
) -> SuggestResponse:
    # Too long is a query problem (invalid_query), as on /v1/search, not a malformed request.
    if len(q) > MAX_PREFIX_CHARS:
        raise InvalidQuery(f"q is longer than {MAX_PREFIX_CHARS} characters")
    start = time.perf_counter()
    found = runtime.suggester.suggest(q, size)
    return SuggestResponse(
        query=q,
        suggestions=[
            SuggestionOut(text=s.text, kind=s.kind, id=s.id, score=s.score) for s in found
        ],
        took_ms=round((time.perf_counter() - start) * 1000, 3),
    )
