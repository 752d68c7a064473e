"""The curation loop over HTTP: tasks, proposals, review, publishing and the audit log.

Callers present a role-bearing bearer token (editor, reviewer, admin): 401 without a valid
one, 403 when the role lacks the permission. The audit log has only a GET route; its
immutability is enforced by SQLite triggers as well (see `zwfw.ops.audit`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from zwfw.api.auth import bearer_token
from zwfw.api.deps import OpsDep
from zwfw.api.errors import responses
from zwfw.api.schemas import DbId, Timestamp
from zwfw.core.errors import Forbidden, Unauthorized
from zwfw.ops import (
    Actor,
    Permission,
    Proposal,
    ProposalKind,
    ProposalState,
    Task,
    TaskKind,
    TaskStatus,
)
from zwfw.ops.audit import AuditEntry

_bearer = HTTPBearer(auto_error=False, description="an editor, reviewer or admin token")


def current_actor(
    ops: OpsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The caller, or 401 when the token is missing or unknown."""
    actor = ops.roles.identify(bearer_token(credentials, "a curation"))
    if actor is None:
        raise Unauthorized("the token is not valid")
    return actor


def requires(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency that lets through actors whose role grants `permission`, else 403."""

    def check(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        if not actor.can(permission):
            raise Forbidden(f"the {actor.role.value} role may not {permission.value}")
        return actor

    return check


Reader = Annotated[Actor, Depends(requires(Permission.READ))]
Editor = Annotated[Actor, Depends(requires(Permission.PROPOSE))]
Reviewer = Annotated[Actor, Depends(requires(Permission.REVIEW))]
Publisher = Annotated[Actor, Depends(requires(Permission.PUBLISH))]

router = APIRouter(
    prefix="/v1/admin/curation", tags=["curation"], responses=responses(401, 403, 404, 409)
)


class ProposalPublic(BaseModel):
    id: int
    kind: ProposalKind
    payload: dict[str, Any]
    state: ProposalState
    author: str
    reviewer: str | None
    task_id: int | None
    note: str | None = Field(description="the reviewer's reason for a rejection")
    created_at: Timestamp
    updated_at: Timestamp


class TaskPublic(BaseModel):
    id: int
    kind: TaskKind
    key: str = Field(description="normalised query, or the answer id for low ratings")
    count: int
    examples: list[str]
    first_seen: Timestamp
    last_seen: Timestamp
    status: TaskStatus


class AuditEntryPublic(BaseModel):
    id: int
    at: Timestamp
    actor: str
    role: str
    action: str = Field(description="propose, edit, approve, reject, publish, dismiss")
    entity: str = Field(description="proposal or task")
    entity_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ProposalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: ProposalKind
    payload: dict[str, Any] = Field(
        description='synonym: {"kind", "terms"}; faq: {"question", "answer"};'
        ' nav_hint: {"query", "target_type", "target_id"}',
        examples=[{"kind": "equivalent", "terms": ["社保卡", "社会保障卡"]}],
    )
    task_id: DbId | None = Field(None, description="the task this proposal fixes")


class ProposalUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payload: dict[str, Any]


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


@router.get("/tasks", response_model=list[TaskPublic])
def list_tasks(
    ops: OpsDep,
    _: Reader,
    status: TaskStatus | None = TaskStatus.OPEN,
    kind: TaskKind | None = None,
) -> list[Task]:
    """Recurring failures, most frequent first (refreshed from the logs at most every 5 s)."""
    ops.curation.refresh_tasks()
    return ops.curation.tasks(status, kind)


@router.post("/tasks/{task_id}/dismiss", response_model=TaskPublic)
def dismiss_task(task_id: DbId, ops: OpsDep, actor: Editor) -> Any:
    return ops.curation.dismiss_task(actor, task_id)


@router.get("/proposals", response_model=list[ProposalPublic])
def list_proposals(
    ops: OpsDep,
    _: Reader,
    state: ProposalState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Proposal]:
    return ops.curation.proposals(state, limit)


@router.post("/proposals", response_model=ProposalPublic, status_code=201)
def propose(body: ProposalCreate, ops: OpsDep, actor: Editor) -> Any:
    return ops.curation.propose(actor, body.kind, body.payload, body.task_id)


@router.get("/proposals/{proposal_id}", response_model=ProposalPublic)
def get_proposal(proposal_id: DbId, ops: OpsDep, _: Reader) -> Proposal:
    return ops.curation.get(proposal_id)


@router.put("/proposals/{proposal_id}", response_model=ProposalPublic)
def edit_proposal(proposal_id: DbId, body: ProposalUpdate, ops: OpsDep, actor: Editor) -> Any:
    return ops.curation.edit(actor, proposal_id, body.payload)


@router.post("/proposals/{proposal_id}/approve", response_model=ProposalPublic)
def approve(proposal_id: DbId, ops: OpsDep, actor: Reviewer) -> Any:
    return ops.curation.approve(actor, proposal_id)


@router.post("/proposals/{proposal_id}/reject", response_model=ProposalPublic)
def reject(proposal_id: DbId, body: Rejection, ops: OpsDep, actor: Reviewer) -> Any:
    return ops.curation.reject(actor, proposal_id, body.reason)


@router.post("/proposals/{proposal_id}/publish", response_model=ProposalPublic)
def publish(proposal_id: DbId, ops: OpsDep, actor: Publisher) -> Any:
    """Make an approved proposal live through the connected store."""
    return ops.curation.publish(actor, proposal_id)


@router.get("/audit", response_model=list[AuditEntryPublic])
def audit_log(
    ops: OpsDep,
    _: Reader,
    entity: Annotated[str | None, Query(pattern="^(proposal|task)$")] = None,
    entity_id: DbId | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntry]:
    """Who did what and when, newest first, with the record before and after."""
    return ops.curation.audit_log(entity, entity_id, limit)
