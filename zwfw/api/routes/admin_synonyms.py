"""Administrator editing of synonym rules; edits apply to the next query, no reindex."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.auth import AdminDep, require_admin
from zwfw.api.deps import SynonymsDep
from zwfw.api.errors import responses
from zwfw.api.schemas import DbId, Timestamp
from zwfw.search.synonyms import RuleKind, SynonymChange, SynonymRule

# Every route needs a token, even the reads: rules reveal what administrators are tuning.
router = APIRouter(
    prefix="/v1/admin/synonyms",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=responses(401, 404, 409),
)

_TERMS = Field(
    description="equivalent: terms that mean the same; oneway: the source, then its targets",
    examples=[["社保卡", "社会保障卡"]],
)


class SynonymCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: RuleKind
    terms: list[str] = _TERMS

    def rule(self) -> SynonymRule:
        return SynonymRule(id=None, kind=self.kind, terms=tuple(self.terms))


class SynonymUpdate(SynonymCreate):
    """The rule's new kind and terms, replacing the old ones whole."""


class SynonymBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: RuleKind
    terms: list[str]


class SynonymPublic(SynonymBody):
    id: int
    updated_at: Timestamp
    updated_by: str


class SynonymListPublic(BaseModel):
    total: int = Field(description="rules matching `q`, over all pages")
    items: list[SynonymPublic]


class SynonymHistoryPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    rule_id: int
    version: int = Field(description="the lexicon's global version after this change")
    action: Literal["create", "update", "delete"]
    author: str
    at: Timestamp
    before: SynonymBody | None
    after: SynonymBody | None


@router.get("", response_model=SynonymListPublic)
def list_synonyms(
    store: SynonymsDep,
    q: Annotated[str | None, Query(description="keep rules with a term containing this")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SynonymListPublic:
    page = store.list(offset=offset, limit=limit, q=q)
    return SynonymListPublic(total=page.total, items=[_public(r) for r in page.items])


@router.post("", response_model=SynonymPublic, status_code=201)
def create_synonym(body: SynonymCreate, store: SynonymsDep, admin: AdminDep) -> SynonymPublic:
    return _public(store.create(body.rule(), author=admin.name))


@router.get("/history", response_model=list[SynonymHistoryPublic])
def recent_changes(
    store: SynonymsDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[SynonymHistoryPublic]:
    """The latest changes to any rule, newest first (an audit trail)."""
    return [_change(c) for c in store.history_all(limit)]


@router.get("/{rule_id}", response_model=SynonymPublic)
def get_synonym(rule_id: DbId, store: SynonymsDep) -> SynonymPublic:
    return _public(store.get(rule_id))


@router.put("/{rule_id}", response_model=SynonymPublic)
def update_synonym(
    rule_id: DbId, body: SynonymUpdate, store: SynonymsDep, admin: AdminDep
) -> SynonymPublic:
    return _public(store.update(rule_id, body.rule(), author=admin.name))


@router.delete("/{rule_id}", status_code=204)
def delete_synonym(rule_id: DbId, store: SynonymsDep, admin: AdminDep) -> Response:
    store.delete(rule_id, author=admin.name)
    return Response(status_code=204)


@router.get("/{rule_id}/history", response_model=list[SynonymHistoryPublic])
def synonym_history(rule_id: DbId, store: SynonymsDep) -> list[SynonymHistoryPublic]:
    """Every change to the rule, oldest first; still available after it is deleted."""
    return [_change(c) for c in store.history(rule_id)]


def _public(rule: SynonymRule) -> SynonymPublic:
    return SynonymPublic.model_validate(rule)


def _change(change: SynonymChange) -> SynonymHistoryPublic:
    return SynonymHistoryPublic.model_validate(change)
