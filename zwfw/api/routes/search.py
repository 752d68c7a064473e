"""Unified search over items, apps, FAQ entries and policies."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request

from zwfw.api import observability
from zwfw.api.deps import MaybeOpsDep, SearchDep
from zwfw.api.schemas import SearchResponse
from zwfw.core.errors import InvalidQuery, InvalidRecord
from zwfw.core.records import DocKind
from zwfw.core.regions import parse_region
from zwfw.search import SearchFilters

router = APIRouter(prefix="/v1", tags=["search"])


def parse_types(types: str | None) -> tuple[DocKind, ...]:
    if not types:
        return ()
    try:
        return tuple(dict.fromkeys(DocKind.from_str(t) for t in types.split(",") if t.strip()))
    except InvalidRecord as exc:
        raise InvalidQuery(exc.message) from None


@router.get("/search", response_model=SearchResponse)
def search(
    request: Request,
    svc: SearchDep,
    ops: MaybeOpsDep,
    q: Annotated[str, Query(min_length=1, description="the user's query, any script or pinyin")],
    types: Annotated[str | None, Query(description="comma-separated: item,app,faq,policy")] = None,
    region: Annotated[str | None, Query(description="division code or name; containment")] = None,
    department: str | None = None,
    audience: Annotated[str | None, Query(description="e.g. 自然人, 企业法人, 外国人")] = None,
    online: Annotated[
        bool | None, Query(description="only items that can be handled online")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1)] = 10,
) -> SearchResponse:
    filters = SearchFilters(
        kinds=parse_types(types),
        region=parse_region(region) if region else None,
        department=department,
        audience=audience,
        online=online,
    )
    result = svc.search(q, filters, page=page, size=size)
    observability.log_search_turn(ops, request, result, offset=(page - 1) * size)
    return SearchResponse.model_validate(asdict(result))
