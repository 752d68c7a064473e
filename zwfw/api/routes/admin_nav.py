"""Administrator editing of navigation data: bundles (一件事) and hints, versioned.

Edits are live on the next navigation step (the service reads the store on every step);
unknown item, app or bundle ids are rejected with 422 and a detail naming each one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.auth import AdminDep, require_admin
from zwfw.api.deps import NavDep
from zwfw.api.errors import responses
from zwfw.api.schemas import Timestamp
from zwfw.nav.bundles import to_dict
from zwfw.nav.store import NavChange

router = APIRouter(
    prefix="/v1/admin/nav", tags=["admin"], dependencies=[Depends(require_admin)],
    responses=responses(401, 404, 409),
)  # fmt: skip


class StepBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    items: dict[str, list[str]] = Field(
        default_factory=dict, description="region code → item ids", examples=[{"440100": ["…"]}]
    )
    note: str = ""
    materials: list[str] = Field(default_factory=list)


class BundleBody(BaseModel):
    """A whole bundle; an update replaces it (the id must match the path)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    triggers: list[str] = Field(description="words that mean this life event", min_length=1)
    steps: list[StepBody] = Field(min_length=1, description="in the order they are done")
    description: str = ""
    shared_materials: list[str] = Field(default_factory=list)
    apps: dict[str, list[str]] = Field(default_factory=dict, description="region code → app ids")


class HintBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    phrases: list[str] = Field(min_length=1, examples=[["开个小店", "开店"]])
    bundle_id: str | None = None
    item_ids: list[str] = Field(default_factory=list)
    note: str = ""


class ChangePublic(BaseModel):
    kind: Literal["bundle", "hint"]
    entity_id: str
    version: int = Field(description="navigation data's global version after this change")
    action: Literal["create", "update", "delete"]
    author: str
    at: Timestamp
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _change(c: NavChange) -> ChangePublic:
    return ChangePublic.model_validate(c, from_attributes=True)


@router.get("/bundles", response_model=list[BundleBody])
def list_bundles(nav: NavDep) -> list[dict[str, Any]]:
    return [to_dict(b) for b in nav.admin.bundles()]


@router.post("/bundles", response_model=BundleBody, status_code=201)
def create_bundle(body: BundleBody, nav: NavDep, admin: AdminDep) -> dict[str, Any]:
    return to_dict(nav.admin.save_bundle(body.model_dump(), admin.name))


@router.get("/bundles/{bundle_id}", response_model=BundleBody)
def get_bundle(bundle_id: str, nav: NavDep) -> dict[str, Any]:
    return to_dict(nav.admin.bundle(bundle_id))


@router.put("/bundles/{bundle_id}", response_model=BundleBody)
def update_bundle(bundle_id: str, body: BundleBody, nav: NavDep, admin: AdminDep) -> dict[str, Any]:
    return to_dict(nav.admin.save_bundle(body.model_dump(), admin.name, bundle_id))


@router.delete("/bundles/{bundle_id}", status_code=204)
def delete_bundle(bundle_id: str, nav: NavDep, admin: AdminDep) -> Response:
    nav.admin.delete_bundle(bundle_id, admin.name)
    return Response(status_code=204)


@router.get("/bundles/{bundle_id}/history", response_model=list[ChangePublic])
def bundle_history(bundle_id: str, nav: NavDep) -> list[ChangePublic]:
    return [_change(c) for c in nav.admin.history("bundle", bundle_id)]


@router.get("/hints", response_model=list[HintBody])
def list_hints(nav: NavDep) -> list[dict[str, Any]]:
    return [to_dict(h) for h in nav.admin.hints()]


@router.post("/hints", response_model=HintBody, status_code=201)
def create_hint(body: HintBody, nav: NavDep, admin: AdminDep) -> dict[str, Any]:
    return to_dict(nav.admin.save_hint(body.model_dump(), admin.name))


@router.get("/hints/{hint_id}", response_model=HintBody)
def get_hint(hint_id: str, nav: NavDep) -> dict[str, Any]:
    return to_dict(nav.admin.hint(hint_id))


@router.put("/hints/{hint_id}", response_model=HintBody)
def update_hint(hint_id: str, body: HintBody, nav: NavDep, admin: AdminDep) -> dict[str, Any]:
    return to_dict(nav.admin.save_hint(body.model_dump(), admin.name, hint_id))


@router.delete("/hints/{hint_id}", status_code=204)
def delete_hint(hint_id: str, nav: NavDep, admin: AdminDep) -> Response:
    nav.admin.delete_hint(hint_id, admin.name)
    return Response(status_code=204)


@router.get("/hints/{hint_id}/history", response_model=list[ChangePublic])
def hint_history(hint_id: str, nav: NavDep) -> list[ChangePublic]:
    return [_change(c) for c in nav.admin.history("hint", hint_id)]


@router.get("/history", response_model=list[ChangePublic])
def recent_changes(
    nav: NavDep,
    kind: Annotated[Literal["bundle", "hint"], Query()] = "bundle",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ChangePublic]:
    """The latest changes of one kind, newest first (an audit trail)."""
    return [_change(c) for c in nav.admin.history(kind, None, limit)]
