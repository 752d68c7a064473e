"""The governed curation loop: tasks → draft proposal → approved → live, every step audited.

An editor proposes a fix (a synonym rule, a FAQ entry or a navigation hint), a reviewer
approves it, and only publishing makes it live, through a callable the application injects
(the synonym store, the FAQ store…), so this package never imports the stores it feeds.
Nobody approves their own proposal: one person alone cannot put text in front of citizens.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.core.errors import InvalidRecord, NotFound, ZwfwError
from zwfw.ops import audit, tasks
from zwfw.ops.payloads import ProposalKind, validate
from zwfw.ops.roles import Actor, Permission
from zwfw.ops.tasks import Task, TaskKind, TaskStatus, Thresholds
from zwfw.storage import Storage, bump
from zwfw.storage.tables import proposals
from zwfw.storage.tables import tasks as task_table


class ProposalState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    LIVE = "live"
    REJECTED = "rejected"


class CurationConflict(ZwfwError):
    """The proposal or task is not in a state that allows the action (HTTP 409)."""

    code = "conflict"


class NotAllowed(ZwfwError):
    """The actor's role or relation to the proposal forbids the action (HTTP 403)."""

    code = "forbidden"


@dataclass
class Publishers:
    """How approved proposals go live: (kind, terms, author), (question, answer, author),
    (query, target_type, target_id, author). A kind without a publisher cannot be proposed."""

    synonym: Callable[[str, Sequence[str], str], None] | None = None
    faq: Callable[[str, str, str], None] | None = None
    nav_hint: Callable[[str, str, str, str], None] | None = None

    def available(self, kind: ProposalKind) -> bool:
        return getattr(self, kind.value) is not None

    def publish(self, kind: ProposalKind, payload: Mapping[str, Any], author: str) -> None:
        if kind is ProposalKind.SYNONYM and self.synonym:
            self.synonym(payload["kind"], payload["terms"], author)
        elif kind is ProposalKind.FAQ and self.faq:
            self.faq(payload["question"], payload["answer"], author)
        elif kind is ProposalKind.NAV_HINT and self.nav_hint:
            p = payload
            self.nav_hint(p["query"], p["target_type"], p["target_id"], author)
        else:
            raise CurationConflict(f"{kind.value} proposals cannot be published here")


@dataclass(frozen=True)
class Proposal:
    id: int
    kind: ProposalKind
    payload: dict[str, Any]
    state: ProposalState
    author: str
    reviewer: str | None
    task_id: int | None
    note: str | None  # the reviewer's reason for a rejection
    created_at: float
    updated_at: float


@dataclass
class Curation:
    storage: Storage
    publishers: Publishers = field(default_factory=Publishers)
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Task detection scans a week of logs (one grouped query, ~0.1 s at 200k rows): at most
    # once every few seconds unless forced. It was once a minute, and an editor who opened
    # the queue twice within that minute did not see a failure that had just recurred.
    refresh_seconds: float = 5.0

    def __post_init__(self) -> None:
        self._refreshed = float("-inf")

    # -- tasks -------------------------------------------------------------------------
    def refresh_tasks(self, force: bool = False, now: float | None = None) -> None:
        """Turn recurring failures in the logs into open tasks (see `zwfw.ops.tasks`)."""
        if not force and time.monotonic() - self._refreshed < self.refresh_seconds:
            return
        with self._write() as db:
            tasks.detect(db, self.thresholds, now)
        self._refreshed = time.monotonic()

    def tasks(
        self, status: TaskStatus | None = TaskStatus.OPEN, kind: TaskKind | None = None
    ) -> list[Task]:
        """Tasks, most frequent first."""
        query = sa.select(task_table).order_by(task_table.c.count.desc(), task_table.c.id)
        if status is not None:
            query = query.where(task_table.c.status == status.value)
        if kind is not None:
            query = query.where(task_table.c.kind == kind.value)
        with self.storage.read("curation") as db:
            return [tasks.row_to_task(r) for r in db.execute(query)]

    def dismiss_task(self, actor: Actor, task_id: int) -> Task:
        _require(actor, Permission.PROPOSE)
        with self._write() as db:
            before = self._task(db, task_id)
            if before.status is not TaskStatus.OPEN:
                raise CurationConflict(f"task {task_id} is {before.status.value}, not open")
            db.execute(_set_task_status(task_id, TaskStatus.DISMISSED))
            after = self._task(db, task_id)
            audit.append(db, actor, "dismiss", "task", task_id, _d(before), _d(after), time.time())
        return after

    # -- proposals ---------------------------------------------------------------------
    def propose(
        self, actor: Actor, kind: ProposalKind, payload: Mapping[str, Any], task_id: int | None
    ) -> Proposal:
        _require(actor, Permission.PROPOSE)
        if not self.publishers.available(kind):
            raise InvalidRecord(f"{kind.value} proposals cannot be published here")
        clean = json.dumps(validate(kind, payload), ensure_ascii=False)
        now = time.time()
        with self._write() as db:
            if task_id is not None:
                self._task(db, task_id)
            new_id = db.execute(
                sa.insert(proposals)
                .values(
                    kind=kind.value,
                    payload=clean,
                    state=ProposalState.DRAFT.value,
                    author=actor.name,
                    task_id=task_id,
                    created_at=now,
                    updated_at=now,
                )
                .returning(proposals.c.id)
            ).scalar_one()
            created = self._proposal(db, int(new_id))
            audit.append(db, actor, "propose", "proposal", created.id, None, _d(created), now)
        return created

    def edit(self, actor: Actor, proposal_id: int, payload: Mapping[str, Any]) -> Proposal:
        """Replace a draft's payload; approved and live proposals are frozen."""
        _require(actor, Permission.PROPOSE)
        with self._write() as db:
            before = self._in_state(db, proposal_id, ProposalState.DRAFT, "edited")
            clean = json.dumps(validate(before.kind, payload), ensure_ascii=False)
            return self._change(db, actor, "edit", before, {"payload": clean})

    def approve(self, actor: Actor, proposal_id: int) -> Proposal:
        return self._review(actor, proposal_id, ProposalState.APPROVED, None)

    def reject(self, actor: Actor, proposal_id: int, reason: str) -> Proposal:
        return self._review(actor, proposal_id, ProposalState.REJECTED, reason)

    def publish(self, actor: Actor, proposal_id: int) -> Proposal:
        """Make an approved proposal live and resolve its task. When the target store
        refuses it (an `InvalidRecord` from the synonym rules, say) nothing changes."""
        _require(actor, Permission.PUBLISH)
        with self._write() as db:
            before = self._in_state(db, proposal_id, ProposalState.APPROVED, "published")
            self.publishers.publish(before.kind, before.payload, actor.name)
            if before.task_id is not None:
                db.execute(_set_task_status(before.task_id, TaskStatus.RESOLVED))
            return self._change(db, actor, "publish", before, {"state": ProposalState.LIVE.value})

    def proposals(self, state: ProposalState | None = None, limit: int = 100) -> list[Proposal]:
        query = sa.select(proposals).order_by(proposals.c.id.desc()).limit(limit)
        if state is not None:
            query = query.where(proposals.c.state == state.value)
        with self.storage.read("curation") as db:
            return [_row_to_proposal(r) for r in db.execute(query)]

    def get(self, proposal_id: int) -> Proposal:
        with self.storage.read("curation") as db:
            return self._proposal(db, proposal_id)

    def audit_log(
        self, entity: str | None = None, entity_id: int | None = None, limit: int = 100
    ) -> list[audit.AuditEntry]:
        with self.storage.read("audit") as db:
            return audit.entries(db, entity, entity_id, limit)

    def audit_intact(self) -> bool:
        with self.storage.read("audit") as db:
            return audit.verify(db) is None

    def queue_size(self) -> dict[str, int]:
        """Open tasks and proposals waiting for a reviewer or for publishing."""
        count = sa.func.count()
        with self.storage.read("curation") as db:
            open_tasks = db.execute(
                sa.select(count).where(task_table.c.status == TaskStatus.OPEN.value)
            ).scalar_one()
            counts = {"tasks_open": int(open_tasks)}
            for state in (ProposalState.DRAFT, ProposalState.APPROVED):
                found = db.execute(sa.select(count).where(proposals.c.state == state.value))
                counts[f"proposals_{state.value}"] = int(found.scalar_one())
        return counts

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A curation transaction; bumping the version row first makes concurrent writers
        (threads or replicas) take turns, which keeps the audit chain linear."""
        with self.storage.transaction("curation") as db:
            bump(db, "curation")
            yield db

    # -- helpers -----------------------------------------------------------------------
    def _review(
        self, actor: Actor, proposal_id: int, to: ProposalState, note: str | None
    ) -> Proposal:
        _require(actor, Permission.REVIEW)
        verb = "approved" if to is ProposalState.APPROVED else "rejected"
        with self._write() as db:
            before = self._in_state(db, proposal_id, ProposalState.DRAFT, verb)
            if before.author == actor.name:
                raise NotAllowed("a proposal must be reviewed by someone other than its author")
            sets = {"state": to.value, "reviewer": actor.name, "note": note}
            return self._change(db, actor, verb[:-1], before, sets)

    def _change(
        self, db: Connection, actor: Actor, action: str, before: Proposal, sets: dict[str, Any]
    ) -> Proposal:
        now = time.time()
        db.execute(
            sa.update(proposals)
            .where(proposals.c.id == before.id)
            .values({**sets, "updated_at": now})
        )
        after = self._proposal(db, before.id)
        audit.append(db, actor, action, "proposal", before.id, _d(before), _d(after), now)
        return after

    def _in_state(
        self, db: Connection, proposal_id: int, state: ProposalState, verb: str
    ) -> Proposal:
        proposal = self._proposal(db, proposal_id)
        if proposal.state is not state:
            raise CurationConflict(
                f"proposal {proposal_id} is {proposal.state.value}; it must be {state.value}"
                f" to be {verb}"
            )
        return proposal

    @staticmethod
    def _proposal(db: Connection, proposal_id: int) -> Proposal:
        row = db.execute(sa.select(proposals).where(proposals.c.id == proposal_id)).first()
        if row is None:
            raise NotFound(f"proposal {proposal_id} does not exist")
        return _row_to_proposal(row)

    @staticmethod
    def _task(db: Connection, task_id: int) -> Task:
        row = db.execute(sa.select(task_table).where(task_table.c.id == task_id)).first()
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        return tasks.row_to_task(row)


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise NotAllowed(f"the {actor.role.value} role may not {permission.value}")


def _set_task_status(task_id: int, status: TaskStatus) -> sa.Update:
    return sa.update(task_table).where(task_table.c.id == task_id).values(status=status.value)


def _row_to_proposal(row: Sequence[Any]) -> Proposal:
    id_, kind, payload, state, author, reviewer, task_id, note, created, updated = row
    return Proposal(
        id_, ProposalKind(kind), json.loads(payload), ProposalState(state), author, reviewer,
        task_id, note, created, updated,
    )  # fmt: skip


def _d(record: Proposal | Task) -> dict[str, Any]:
    return asdict(record)
