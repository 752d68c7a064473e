"""The two web pages (citizen H5 page at `/`, administrators' console at `/console`), their
static files, and the read-only lookups only the pages need (a record's guide, page config).

The files are plain HTML/CSS/JS shipped inside the package: no build step and no CDN, since
government intranets are often offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from fastapi import Path as Path_
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from zwfw.api.deps import ExamplesDep, PageFiltersDep, RuntimeDep, ServicesDep, SettingsDep
from zwfw.api.errors import responses
from zwfw.api.services import FilterOptions
from zwfw.core.errors import NotFound
from zwfw.core.records import Item, doc_key, record_to_dict
from zwfw.runtime import Runtime

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(tags=["pages"])
_MEDIA = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
_CACHE = {"Cache-Control": "no-cache"}  # revalidate: an upgrade must not serve stale scripts
_STATIC_NAME = r"^[a-z0-9_-]+\.(js|css|svg)$"
Kind = Literal["item", "app", "faq", "policy"]


@router.get("/", include_in_schema=False)
def citizen_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html")


@router.get("/console", include_in_schema=False)
def console_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "console.html")


class RegionOption(BaseModel):
    code: str
    name: str


class PagesConfig(BaseModel):
    hotline: str
    personal: bool = Field(description="whether the personal space is enabled")
    regions: list[RegionOption] = Field(description="regions that publish items, for filters")
    audiences: list[str]
    max_result_window: int = Field(description="results stop at this position: 加载更多 stops")
    examples: list[str] = Field(
        description="example searches for the welcome panel: frequent queries that find"
        " something, else high-frequency services the catalogue holds (see api.examples)"
    )


@router.get("/v1/pages/config", response_model=PagesConfig, tags=["pages"])
def pages_config(
    services: ServicesDep, settings: SettingsDep, filters: PageFiltersDep, examples: ExamplesDep
) -> PagesConfig:
    """What the citizen page needs to draw its filters and switches."""
    runtime = services.runtime
    regions, audiences = filters.get(str(runtime.index.build), lambda: _filter_options(runtime))
    return PagesConfig(
        hotline=settings.qa.hotline,
        personal=services.personal is not None,
        regions=[RegionOption(code=c, name=n) for c, n in regions],
        audiences=audiences,
        max_result_window=settings.search.max_result_window,
        examples=examples,
    )


@router.get("/v1/records/{kind}/{record_id}", tags=["pages"], responses=responses(404))
def record(kind: Kind, record_id: str, runtime: RuntimeDep) -> Any:
    """One record as indexed (an item with its whole service guide), for the item page."""
    key = doc_key(kind, record_id)
    found = runtime.index.docs.get([key]).get(key)
    if found is None:
        raise NotFound(f"no {kind} with id {record_id}")
    return record_to_dict(found)


def _filter_options(runtime: Runtime) -> FilterOptions:
    """Distinct item regions and audiences, in one docstore pass (once per index build: the
    app keeps the result, see `PageFiltersDep`)."""
    regions: dict[str, str] = {}
    audiences: dict[str, None] = {}
    for rec in runtime.index.docs.iter_kind("item"):
        if isinstance(rec, Item):
            regions[rec.region_code] = rec.region_name
            audiences.update(dict.fromkeys(rec.audiences))
    return sorted(regions.items()), sorted(audiences)


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: Annotated[str, Path_(pattern=_STATIC_NAME)]) -> FileResponse:
    """The pages' scripts and styles; a flat folder, and the name pattern admits no path."""
    path = STATIC_DIR / name
    if not path.is_file():
        raise NotFound(f"no static file {name}")
    return FileResponse(path, media_type=_MEDIA[path.suffix], headers=_CACHE)
