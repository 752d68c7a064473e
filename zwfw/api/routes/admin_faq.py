"""Administrator editing of FAQ entries; each edit is live in search and chat at once."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.auth import AdminDep, require_admin
from zwfw.api.deps import FaqAdminDep
from zwfw.api.errors import responses
from zwfw.api.schemas import Timestamp
from zwfw.chat import FaqChange, FaqEntry
from zwfw.core.records import Faq, parse_record, record_to_dict

router = APIRouter(
    prefix="/v1/admin/faq", tags=["admin"], dependencies=[Depends(require_admin)],
    responses=responses(401, 404, 409),
)  # fmt: skip


class FaqUpdate(BaseModel):
    """The entry's new content, replacing the old one whole."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=5000)
    department: str = ""
    region_code: str | None = None
    item_ids: list[str] = Field(default_factory=list)
    effective_from: dt.date | None = Field(None, description="not answered before this day")
    expires_on: dt.date | None = Field(None, description="not answered after this day")

    def faq(self, faq_id: str) -> Faq:
        record = parse_record({**self.model_dump(mode="json"), "id": faq_id, "kind": "faq"})
        assert isinstance(record, Faq)
        return record


class FaqCreate(FaqUpdate):
    id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="made up when omitted"
    )


class FaqBody(BaseModel):
    id: str
    question: str
    answer: str
    department: str
    region_code: str | None
    item_ids: list[str]
    effective_from: dt.date | None
    expires_on: dt.date | None


class FaqPublic(FaqBody):
    live: bool = Field(description="inside its effective window today, so answered from")
    version: int = Field(description="edits made here; 0 for an entry from the source data")
    updated_at: Timestamp | None
    updated_by: str | None


class FaqListPublic(BaseModel):
    total: int
    items: list[FaqPublic]


class FaqHistoryPublic(BaseModel):
    faq_id: str
    version: int
    action: Literal["create", "update", "delete"]
    author: str
    at: Timestamp
    before: FaqBody | None
    after: FaqBody | None


@router.get("", response_model=FaqListPublic)
def list_faq(
    store: FaqAdminDep,
    q: Annotated[str | None, Query(description="keep entries whose text contains this")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FaqListPublic:
    page = store.list(q=q, offset=offset, limit=limit)
    return FaqListPublic(total=page.total, items=[_public(e) for e in page.items])


@router.post("", response_model=FaqPublic, status_code=201)
def create_faq(body: FaqCreate, store: FaqAdminDep, admin: AdminDep) -> FaqPublic:
    return _public(store.create(body.faq(body.id or store.new_id()), author=admin.name))


@router.get("/history", response_model=list[FaqHistoryPublic])
def recent_changes(
    store: FaqAdminDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[FaqHistoryPublic]:
    """The latest changes to any entry, newest first (an audit trail)."""
    return [_change(c) for c in store.history_all(limit)]


@router.get("/{faq_id}", response_model=FaqPublic)
def get_faq(faq_id: str, store: FaqAdminDep) -> FaqPublic:
    return _public(store.get(faq_id))


@router.put("/{faq_id}", response_model=FaqPublic)
def update_faq(faq_id: str, body: FaqUpdate, store: FaqAdminDep, admin: AdminDep) -> FaqPublic:
    return _public(store.update(faq_id, body.faq(faq_id), author=admin.name))


@router.delete("/{faq_id}", status_code=204)
def delete_faq(faq_id: str, store: FaqAdminDep, admin: AdminDep) -> Response:
    store.delete(faq_id, author=admin.name)
    return Response(status_code=204)


@router.get("/{faq_id}/history", response_model=list[FaqHistoryPublic])
def faq_history(faq_id: str, store: FaqAdminDep) -> list[FaqHistoryPublic]:
    """Every change to the entry, oldest first; still available after it is deleted."""
    return [_change(c) for c in store.history(faq_id)]


def _body(faq: Faq | None) -> dict[str, Any] | None:
    return None if faq is None else record_to_dict(faq)


def _public(entry: FaqEntry) -> FaqPublic:
    return FaqPublic.model_validate(
        {
            **(_body(entry.faq) or {}),
            "live": entry.live,
            "version": entry.version,
            "updated_at": entry.updated_at,
            "updated_by": entry.updated_by,
        }
    )


def _change(change: FaqChange) -> FaqHistoryPublic:
    return FaqHistoryPublic(
        faq_id=change.faq_id,
        version=change.version,
        action=change.action,
        author=change.author,
        at=change.at,
        before=FaqBody.model_validate(_body(change.before)) if change.before else None,
        after=FaqBody.model_validate(_body(change.after)) if change.after else None,
    )
