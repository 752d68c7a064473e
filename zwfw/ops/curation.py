"""The governed curation loop: tasks → draft proposal → approved → live, every step audited.

An editor proposes a fix (a synonym rule, a FAQ entry or a navigation hint), a reviewer
approves it, and only publishing makes it live, through a callable the application injects
(the synonym store, the FAQ store…), so this package never imports the stores it feeds.
Nobody approves their own proposal: one person alone cannot put text in front of citizens.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from zwfw.core.errors import InvalidRecord, NotFound, ZwfwError
from zwfw.ops import audit, tasks
from zwfw.ops.db import connect, transaction
from zwfw.ops.payloads import ProposalKind, validate
from zwfw.ops.roles import Actor, Permission
from zwfw.ops.tasks import Task, TaskKind, TaskStatus, Thresholds


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


SCHEMA = """
CREATE TABLE IF NOT EXISTS proposals (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
    author TEXT NOT NULL, reviewer TEXT, task_id INTEGER REFERENCES tasks (id), note TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
"""


@dataclass
class Curation:
    db_path: Path
    publishers: Publishers = field(default_factory=Publishers)
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Task detection scans a week of logs: at most once a minute unless forced.
    refresh_seconds: float = 60.0

    def __post_init__(self) -> None:
        self._db = connect(self.db_path)
        self._db.executescript(tasks.SCHEMA + SCHEMA + audit.SCHEMA)
        self._lock = threading.Lock()
        self._refreshed = float("-inf")

    # -- tasks -------------------------------------------------------------------------
    def refresh_tasks(self, force: bool = False, now: float | None = None) -> None:
        """Turn recurring failures in the logs into open tasks (see `zwfw.ops.tasks`)."""
        if not force and time.monotonic() - self._refreshed < self.refresh_seconds:
            return
        with self._lock, transaction(self._db) as db:
            tasks.detect(db, self.thresholds, now)
        self._refreshed = time.monotonic()

    def tasks(
        self, status: TaskStatus | None = TaskStatus.OPEN, kind: TaskKind | None = None
    ) -> list[Task]:
        """Tasks, most frequent first."""
        where = " AND ".join(
            c for c, v in (("status = ?", status), ("kind = ?", kind)) if v is not None
        )
        params = [v.value for v in (status, kind) if v is not None]
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM tasks WHERE {where or '1=1'} ORDER BY count DESC, id", params
            ).fetchall()
        return [tasks.row_to_task(r) for r in rows]

    def dismiss_task(self, actor: Actor, task_id: int) -> Task:
        _require(actor, Permission.PROPOSE)
        with self._lock, transaction(self._db) as db:
            before = self._task(db, task_id)
            if before.status is not TaskStatus.OPEN:
                raise CurationConflict(f"task {task_id} is {before.status.value}, not open")
            db.execute("UPDATE tasks SET status = 'dismissed' WHERE id = ?", (task_id,))
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
        with self._lock, transaction(self._db) as db:
            if task_id is not None:
                self._task(db, task_id)
            cur = db.execute(
                "INSERT INTO proposals (kind, payload, state, author, task_id, created_at,"
                " updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?)",
                (kind.value, clean, actor.name, task_id, now, now),
            )
            created = self._proposal(db, int(cur.lastrowid or 0))
            audit.append(db, actor, "propose", "proposal", created.id, None, _d(created), now)
        return created

    def edit(self, actor: Actor, proposal_id: int, payload: Mapping[str, Any]) -> Proposal:
        """Replace a draft's payload; approved and live proposals are frozen."""
        _require(actor, Permission.PROPOSE)
        with self._lock, transaction(self._db) as db:
            before = self._in_state(db, proposal_id, ProposalState.DRAFT, "edited")
            clean = json.dumps(validate(before.kind, payload), ensure_ascii=False)
            return self._change(db, actor, "edit", before, "payload = ?", [clean])

    def approve(self, actor: Actor, proposal_id: int) -> Proposal:
        return self._review(actor, proposal_id, ProposalState.APPROVED, None)

    def reject(self, actor: Actor, proposal_id: int, reason: str) -> Proposal:
        return self._review(actor, proposal_id, ProposalState.REJECTED, reason)

    def publish(self, actor: Actor, proposal_id: int) -> Proposal:
        """Make an approved proposal live and resolve its task. When the target store
        refuses it (an `InvalidRecord` from the synonym rules, say) nothing changes."""
        _require(actor, Permission.PUBLISH)
        with self._lock, transaction(self._db) as db:
            before = self._in_state(db, proposal_id, ProposalState.APPROVED, "published")
            self.publishers.publish(before.kind, before.payload, actor.name)
            if before.task_id is not None:
                db.execute("UPDATE tasks SET status = 'resolved' WHERE id = ?", (before.task_id,))
            return self._change(db, actor, "publish", before, "state = 'live'", [])

    def proposals(self, state: ProposalState | None = None, limit: int = 100) -> list[Proposal]:
        where, params = ("state = ?", [state.value]) if state else ("1=1", [])
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM proposals WHERE {where} ORDER BY id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [_row_to_proposal(r) for r in rows]

    def get(self, proposal_id: int) -> Proposal:
        with self._lock:
            return self._proposal(self._db, proposal_id)

    def audit_log(
        self, entity: str | None = None, entity_id: int | None = None, limit: int = 100
    ) -> list[audit.AuditEntry]:
        with self._lock:
            return audit.entries(self._db, entity, entity_id, limit)

    def audit_intact(self) -> bool:
        with self._lock:
            return audit.verify(self._db) is None

    def queue_size(self) -> dict[str, int]:
        """Open tasks and proposals waiting for a reviewer or for publishing."""
        with self._lock:
            open_tasks = self._db.execute("SELECT COUNT(*) FROM tasks WHERE status = 'open'")
            counts = {"tasks_open": int(open_tasks.fetchone()[0])}
            for state in (ProposalState.DRAFT, ProposalState.APPROVED):
                row = self._db.execute(
                    "SELECT COUNT(*) FROM proposals WHERE state = ?", (state.value,)
                )
                counts[f"proposals_{state.value}"] = int(row.fetchone()[0])
        return counts

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- helpers -----------------------------------------------------------------------
    def _review(
        self, actor: Actor, proposal_id: int, to: ProposalState, note: str | None
    ) -> Proposal:
        _require(actor, Permission.REVIEW)
        verb = "approved" if to is ProposalState.APPROVED else "rejected"
        with self._lock, transaction(self._db) as db:
            before = self._in_state(db, proposal_id, ProposalState.DRAFT, verb)
            if before.author == actor.name:
                raise NotAllowed("a proposal must be reviewed by someone other than its author")
            sets = "state = ?, reviewer = ?, note = ?"
            return self._change(db, actor, verb[:-1], before, sets, [to.value, actor.name, note])

    def _change(
        self, db: Any, actor: Actor, action: str, before: Proposal, sets: str, params: list[Any]
    ) -> Proposal:
        now = time.time()
        db.execute(
            f"UPDATE proposals SET {sets}, updated_at = ? WHERE id = ?", [*params, now, before.id]
        )
        after = self._proposal(db, before.id)
        audit.append(db, actor, action, "proposal", before.id, _d(before), _d(after), now)
        return after

    def _in_state(self, db: Any, proposal_id: int, state: ProposalState, verb: str) -> Proposal:
        proposal = self._proposal(db, proposal_id)
        if proposal.state is not state:
            raise CurationConflict(
                f"proposal {proposal_id} is {proposal.state.value}; it must be {state.value}"
                f" to be {verb}"
            )
        return proposal

    @staticmethod
    def _proposal(db: Any, proposal_id: int) -> Proposal:
        row = db.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
        if row is None:
            raise NotFound(f"proposal {proposal_id} does not exist")
        return _row_to_proposal(row)

    @staticmethod
    def _task(db: Any, task_id: int) -> Task:
        row = db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        return tasks.row_to_task(row)


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise NotAllowed(f"the {actor.role.value} role may not {permission.value}")


def _row_to_proposal(row: Sequence[Any]) -> Proposal:
    id_, kind, payload, state, author, reviewer, task_id, note, created, updated = row
    return Proposal(
        id_, ProposalKind(kind), json.loads(payload), ProposalState(state), author, reviewer,
        task_id, note, created, updated,
    )  # fmt: skip


def _d(record: Proposal | Task) -> dict[str, Any]:
    return asdict(record)
