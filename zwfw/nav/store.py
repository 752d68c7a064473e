"""Navigation state: sessions with a time to live (in a `KeyValue`: in process or Redis), and
administrator-edited bundles and hints with an append-only history (author, time, before and
after) in the state database.

Reads go to the database on every step, so an edit is live on the next request, in this
replica or another; the shipped bundles are seeded once, so a bundle an administrator deleted
stays deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.core.errors import InvalidRecord, NotFound
from zwfw.nav.bundles import Bundle, NavHint, parse_bundle, parse_hint, to_dict
from zwfw.storage import Storage, bump
from zwfw.storage.kv import KeyValue, MemoryKeyValue
from zwfw.storage.tables import nav_entity, nav_history, store_version

Kind = Literal["bundle", "hint"]
Action = Literal["create", "update", "delete"]
SYSTEM_AUTHOR = "system"
STORE = "nav"
_SESSION = "nav-session:"
_CHANGE = tuple(
    nav_history.c[n]
    for n in ("kind", "entity_id", "version", "action", "author", "at", "before", "after")
)


@dataclass(frozen=True)
class NavChange:
    """One history row; `version` counts every navigation edit, across bundles and hints."""

    kind: Kind
    entity_id: str
    version: int
    action: Action
    author: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class NavStore:
    """Sessions in `sessions`, bundles and hints in `storage` (shared by every replica)."""

    def __init__(
        self, storage: Storage, seed: list[Bundle] | None = None, sessions: KeyValue | None = None
    ) -> None:
        self._storage = storage
        self._sessions = sessions if sessions is not None else MemoryKeyValue()
        if seed is not None:
            self._seed(seed)

    def __enter__(self) -> NavStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to close: storage and sessions belong to whoever built them."""

    def _seed(self, bundles: list[Bundle]) -> None:
        """Seed once, while the store's version is 0; the row lock makes a replica opening a
        new database at the same moment wait, then find it seeded."""
        with self._storage.transaction(STORE) as conn:
            locked = sa.select(store_version.c.version).where(store_version.c.store == STORE)
            if (conn.execute(locked.with_for_update()).scalar() or 0) > 0:
                return
            version = bump(conn, STORE)
            for bundle in bundles:
                _write(conn, version, "bundle", bundle.id, to_dict(bundle), SYSTEM_AUTHOR, "create")

    # sessions ----------------------------------------------------------------------------

    def load_session(self, session_id: str) -> dict[str, Any] | None:
        """The session's state, or None when it never existed or its time ran out."""
        found = self._sessions.get(_SESSION + session_id)
        state: dict[str, Any] | None = None if found is None else json.loads(found)
        return state

    def save_session(self, session_id: str, state: dict[str, Any], ttl_seconds: float) -> None:
        data = json.dumps(state, ensure_ascii=False).encode("utf-8")
        self._sessions.set(_SESSION + session_id, data, ttl_seconds)

    # bundles and hints -------------------------------------------------------------------

    def bundles(self) -> list[Bundle]:
        return [parse_bundle(body) for body in self._bodies("bundle")]

    def hints(self) -> list[NavHint]:
        return [parse_hint(body) for body in self._bodies("hint")]

    def body(self, kind: Kind, entity_id: str) -> dict[str, Any]:
        with self._storage.read(STORE) as conn:
            found = _current(conn, kind, entity_id)
        if found is None:
            raise NotFound(f"no {kind} with id {entity_id!r}")
        body: dict[str, Any] = json.loads(found)
        return body

    def _bodies(self, kind: Kind) -> list[dict[str, Any]]:
        query = sa.select(nav_entity.c.body).where(nav_entity.c.kind == kind)
        with self._storage.read(STORE) as conn:
            rows = conn.execute(query.order_by(nav_entity.c.id)).all()
        return [json.loads(body) for (body,) in rows]

    def save(
        self, kind: Kind, entity_id: str, body: dict[str, Any], author: str, create: bool
    ) -> int:
        """Create (the id must be new) or update (it must exist); returns the new version."""
        with self._storage.transaction(STORE) as conn:
            version = bump(conn, STORE)
            exists = _current(conn, kind, entity_id) is not None
            if create and exists:
                raise InvalidRecord(f"a {kind} with id {entity_id!r} already exists")
            if not create and not exists:
                raise NotFound(f"no {kind} with id {entity_id!r}")
            _write(conn, version, kind, entity_id, body, author, "create" if create else "update")
        return version

    def delete(self, kind: Kind, entity_id: str, author: str) -> None:
        with self._storage.transaction(STORE) as conn:
            version = bump(conn, STORE)
            if _current(conn, kind, entity_id) is None:
                raise NotFound(f"no {kind} with id {entity_id!r}")
            _write(conn, version, kind, entity_id, None, author, "delete")

    def history(
        self, kind: Kind, entity_id: str | None = None, limit: int = 100
    ) -> list[NavChange]:
        """Changes oldest first for one entity; newest first (an audit trail) for all."""
        query = sa.select(*_CHANGE).where(nav_history.c.kind == kind)
        if entity_id is None:
            query = query.order_by(nav_history.c.seq.desc()).limit(limit)
        else:
            query = query.where(nav_history.c.entity_id == entity_id).order_by(nav_history.c.seq)
        with self._storage.read(STORE) as conn:
            rows = conn.execute(query).all()
        return [
            NavChange(
                k, e, v, a, au, datetime.fromisoformat(at),
                json.loads(b) if b else None, json.loads(af) if af else None,
            )
            for k, e, v, a, au, at, b, af in rows
        ]  # fmt: skip


def _current(conn: Connection, kind: Kind, entity_id: str) -> str | None:
    found = conn.execute(
        sa.select(nav_entity.c.body).where(nav_entity.c.kind == kind, nav_entity.c.id == entity_id)
    ).scalar()
    return None if found is None else str(found)


def _write(
    conn: Connection,
    version: int,
    kind: Kind,
    entity_id: str,
    body: dict[str, Any] | None,
    author: str,
    action: Action,
) -> None:
    """Change one row and append its history, inside the caller's transaction."""
    before = _current(conn, kind, entity_id)
    at = datetime.now(UTC).isoformat()
    after = json.dumps(body, ensure_ascii=False) if body is not None else None
    where = (nav_entity.c.kind == kind, nav_entity.c.id == entity_id)
    conn.execute(sa.delete(nav_entity).where(*where))
    if after is not None:
        conn.execute(
            sa.insert(nav_entity).values(
                kind=kind, id=entity_id, body=after, updated_at=at, updated_by=author
            )
        )
    conn.execute(
        sa.insert(nav_history).values(
            kind=kind, entity_id=entity_id, version=version, action=action, author=author,
            at=at, before=before, after=after,
        )
    )  # fmt: skip
