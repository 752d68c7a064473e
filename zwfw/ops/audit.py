"""The curation audit log: who did what, when, with the record before and after.

Append-only is enforced by SQLite itself, not by the absence of an API route: triggers abort
any UPDATE or DELETE, and an INSERT that reuses an existing id (INSERT OR REPLACE deletes
the old row without firing delete triggers, but only after BEFORE INSERT triggers pass).
Each entry also carries the SHA-256 of the previous entry and of its own content, so an
edit made by someone who drops the triggers is still detected by `verify`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from zwfw.ops.roles import Actor

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT NOT NULL,
    role TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, entity_id INTEGER NOT NULL,
    before TEXT, after TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_reuse BEFORE INSERT ON audit
WHEN EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
GENESIS = "0" * 64
_COLUMNS = "id, at, actor, role, action, entity, entity_id, before, after"


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
    db: sqlite3.Connection,
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
    last = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[0] if last else GENESIS
    fields = [at, actor.name, actor.role.value, action, entity, entity_id, _j(before), _j(after)]
    db.execute(
        "INSERT INTO audit (at, actor, role, action, entity, entity_id, before, after,"
        " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [*fields, prev, _digest(prev, fields)],
    )


def entries(
    db: sqlite3.Connection,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first, optionally of one entity."""
    where, params = "1=1", list[object]()
    if entity is not None:
        where, params = "entity = ?", [entity]
        if entity_id is not None:
            where, params = where + " AND entity_id = ?", [entity, entity_id]
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM audit WHERE {where} ORDER BY id DESC LIMIT ?", [*params, limit]
    ).fetchall()
    return [_entry(r) for r in rows]


def verify(db: sqlite3.Connection) -> int | None:
    """The id of the first entry whose hash chain is broken, or None when all are intact."""
    prev = GENESIS
    for row in db.execute(f"SELECT {_COLUMNS}, prev_hash, hash FROM audit ORDER BY id"):
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
