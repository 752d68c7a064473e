"""The curation audit log: who did what, when, with the record before and after.

Append-only is enforced by the database itself, not by the absence of an API route: the
migration's triggers abort any UPDATE or DELETE (and TRUNCATE on PostgreSQL; on SQLite an
INSERT that reuses an id, which INSERT OR REPLACE would turn into a silent delete).
Each entry also carries the SHA-256 of the previous entry and of its own content, so an
edit made by someone who drops the triggers is still detected by `verify`. Appends are
serialised by the caller's lock on the curation version row (see `zwfw.storage.versions`),
so two replicas never chain two entries to the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.ops.roles import Actor
from zwfw.storage.tables import audit

GENESIS = "0" * 64
_FIELDS = ("at", "actor", "role", "action", "entity", "entity_id", "before", "after")
_COLUMNS = [audit.c.id, *(audit.c[name] for name in _FIELDS)]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    actor: str
    role: str
    action: str  # propose, edit, approve, reject, publish, dismiss
    entity: str  # proposal, task
    entity_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def append(
    conn: Connection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    at: float,
) -> None:
    """Add one entry; the caller holds the lock and the transaction of the change itself,
    so a change and its audit entry are written together or not at all."""
    last = conn.execute(sa.select(audit.c.hash).order_by(audit.c.id.desc()).limit(1)).first()
    prev = last[0] if last else GENESIS
    fields = [at, actor.name, actor.role.value, action, entity, entity_id, _j(before), _j(after)]
    conn.execute(
        sa.insert(audit).values(
            {
                **dict(zip(_FIELDS, fields, strict=True)),
                "prev_hash": prev,
                "hash": _digest(prev, fields),
            }
        )
    )


def entries(
    conn: Connection,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first, optionally of one entity."""
    query = sa.select(*_COLUMNS).order_by(audit.c.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(audit.c.entity == entity)
        if entity_id is not None:
            query = query.where(audit.c.entity_id == entity_id)
    return [_entry(r) for r in conn.execute(query)]


def verify(conn: Connection) -> int | None:
    """The id of the first entry whose hash chain is broken, or None when all are intact."""
    prev = GENESIS
    query = sa.select(*_COLUMNS, audit.c.prev_hash, audit.c.hash).order_by(audit.c.id)
    for row in conn.execute(query):
        fields = list(row[1:9])
        if row[9] != prev or row[10] != _digest(prev, fields):
            return int(row[0])
        prev = row[10]
    return None


def _entry(row: Sequence[Any]) -> AuditEntry:
    id_, at, actor, role, action, entity, entity_id, before, after = row
    return AuditEntry(
        id_, at, actor, role, action, entity, entity_id,
        json.loads(before) if before else None, json.loads(after) if after else None,
    )  # fmt: skip


def _j(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _digest(prev: str, fields: list[Any]) -> str:
    text = json.dumps([prev, *fields], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
