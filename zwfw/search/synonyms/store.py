"""Administrator-edited synonym rules in the state database, with an append-only history and
a cached snapshot that follows edits from this and other replicas within `poll_seconds`."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.core.errors import NotFound
from zwfw.models import normalize
from zwfw.search.synonyms.lexicon import (
    SHIPPED_LEXICON,
    RuleKind,
    SynonymRule,
    SynonymSet,
    load_lexicon,
    validate,
)
from zwfw.storage import Storage, VersionWatch, bump, read_version
from zwfw.storage.tables import store_version, synonym_history, synonym_rule

Action = Literal["create", "update", "delete"]
SYSTEM_AUTHOR = "system"
STORE = "synonyms"
_RULE = (synonym_rule.c.id, synonym_rule.c.kind, synonym_rule.c.terms,
         synonym_rule.c.updated_at, synonym_rule.c.updated_by)  # fmt: skip
_HISTORY = tuple(
    synonym_history.c[n]
    for n in ("rule_id", "version", "action", "author", "at", "before", "after")
)


@dataclass(frozen=True)
class SynonymChange:
    """One history row: who changed which rule, when, and its content before and after
    (None before a create and after a delete)."""

    rule_id: int
    version: int
    action: Action
    author: str
    at: datetime
    before: SynonymRule | None
    after: SynonymRule | None


@dataclass(frozen=True)
class SynonymPage:
    total: int
    items: tuple[SynonymRule, ...]


class SynonymStore:
    """Rules in force plus their history, in the shared state database.

    On first use the store is seeded from `seed` in one transaction (when its version is still
    0); later opens never reseed, so rules an administrator deleted stay deleted. The cached
    snapshot is rebuilt when this instance writes, or when the store's version row moved
    (another replica wrote), checked at most every `poll_seconds`.
    """

    def __init__(
        self, storage: Storage, seed: Path | None = SHIPPED_LEXICON, poll_seconds: float = 0.5
    ) -> None:
        self._storage = storage
        self._lock = threading.Lock()
        self._cache: SynonymSet | None = None
        self._watch = VersionWatch(self._read_version, poll_seconds)
        if seed is not None:
            self._seed(seed)

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    def __enter__(self) -> SynonymStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def snapshot(self) -> SynonymSet:
        """The rules in force. Meant to be called on every query: it costs nothing unless the
        poll interval passed, then one read of the version row, and a rebuild only on change."""
        with self._lock:
            if self._watch.changed() or self._cache is None:
                self._cache = self._build()
            return self._cache

    def list(self, offset: int = 0, limit: int = 50, q: str | None = None) -> SynonymPage:
        """Rules in id order; `q` keeps rules with a term containing it (after normalising).

        Filtered here rather than in SQL: a few thousand rules at most, and the two databases
        spell "an element of a JSON array contains" differently."""
        needle = normalize(q) if q else ""
        with self._storage.read(STORE) as conn:
            rules = _all_rules(conn)
        found = [r for r in rules if not needle or any(needle in t for t in r.terms)]
        return SynonymPage(total=len(found), items=tuple(found[offset : offset + limit]))

    def get(self, rule_id: int) -> SynonymRule:
        with self._storage.read(STORE) as conn:
            return _rule(_one(conn, rule_id))

    def create(self, rule: SynonymRule, author: str) -> SynonymRule:
        """Store a new rule after `validate`; `InvalidRecord` says why one is refused."""
        with self._write() as (conn, version):
            clean = validate(replace(rule, id=None), _all_rules(conn))
            at = _now()
            new_id = conn.execute(
                sa.insert(synonym_rule)
                .values(kind=clean.kind, terms=_terms_json(clean), updated_at=_iso(at),
                        updated_by=author)
                .returning(synonym_rule.c.id)
            ).scalar_one()  # fmt: skip
            stored = replace(clean, id=int(new_id), updated_at=at, updated_by=author)
            _record(conn, version, "create", author, at, None, stored)
        return stored

    def update(self, rule_id: int, rule: SynonymRule, author: str) -> SynonymRule:
        """Replace a rule's kind and terms; an update that changes nothing is not recorded."""
        with self._storage.read(STORE) as conn:
            current = _rule(_one(conn, rule_id))
            if validate(replace(rule, id=rule_id), _all_rules(conn)) == current:
                return current
        with self._write() as (conn, version):
            current = _rule(_one(conn, rule_id))
            clean = validate(replace(rule, id=rule_id), _all_rules(conn))
            at = _now()
            conn.execute(
                sa.update(synonym_rule)
                .where(synonym_rule.c.id == rule_id)
                .values(kind=clean.kind, terms=_terms_json(clean), updated_at=_iso(at),
                        updated_by=author)
            )  # fmt: skip
            stored = replace(clean, updated_at=at, updated_by=author)
            _record(conn, version, "update", author, at, current, stored)
        return stored

    def delete(self, rule_id: int, author: str) -> None:
        with self._write() as (conn, version):
            current = _rule(_one(conn, rule_id))
            conn.execute(sa.delete(synonym_rule).where(synonym_rule.c.id == rule_id))
            _record(conn, version, "delete", author, _now(), current, None)

    def history(self, rule_id: int) -> tuple[SynonymChange, ...]:
        """Every change to one rule, oldest first; kept after the rule is deleted."""
        query = (
            sa.select(*_HISTORY)
            .where(synonym_history.c.rule_id == rule_id)
            .order_by(synonym_history.c.seq)
        )
        with self._storage.read(STORE) as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise NotFound(f"synonym rule {rule_id} has no history: it never existed")
        return tuple(map(_change, rows))

    def history_all(self, limit: int = 100) -> tuple[SynonymChange, ...]:
        """The latest changes to any rule, newest first."""
        query = sa.select(*_HISTORY).order_by(synonym_history.c.seq.desc()).limit(limit)
        with self._storage.read(STORE) as conn:
            return tuple(map(_change, conn.execute(query)))

    def _seed(self, seed: Path) -> None:
        """Seed once: the version row is locked first, so a replica opening a new database at
        the same time waits, then finds it seeded."""
        rules = load_lexicon(seed)
        with self._storage.transaction(STORE) as conn:
            locked = sa.select(store_version.c.version).where(store_version.c.store == STORE)
            if (conn.execute(locked.with_for_update()).scalar() or 0) > 0 or not rules:
                return
            version, at = bump(conn, STORE), _now()
            for rule in rules:
                new_id = conn.execute(
                    sa.insert(synonym_rule)
                    .values(kind=rule.kind, terms=_terms_json(rule), updated_at=_iso(at),
                            updated_by=SYSTEM_AUTHOR)
                    .returning(synonym_rule.c.id)
                ).scalar_one()  # fmt: skip
                _record(conn, version, "create", SYSTEM_AUTHOR, at, None, replace(rule, id=new_id))

    def _read_version(self) -> int:
        with self._storage.read(STORE) as conn:
            return read_version(conn, STORE)

    def _build(self) -> SynonymSet:
        with self._storage.read(STORE) as conn:  # one snapshot: rules and version agree
            return SynonymSet(_all_rules(conn), version=read_version(conn, STORE))

    @contextmanager
    def _write(self) -> Iterator[tuple[Connection, int]]:
        """A write transaction with the store's next version (its row lock queues writers)."""
        with self._storage.transaction(STORE) as conn:
            yield conn, bump(conn, STORE)
        self._watch.force()


def _record(
    conn: Connection,
    version: int,
    action: Action,
    author: str,
    at: datetime,
    before: SynonymRule | None,
    after: SynonymRule | None,
) -> None:
    rule = after or before
    assert rule is not None and rule.id is not None
    conn.execute(
        sa.insert(synonym_history).values(
            rule_id=rule.id, version=version, action=action, author=author, at=_iso(at),
            before=_body_json(before), after=_body_json(after),
        )
    )  # fmt: skip


def _one(conn: Connection, rule_id: int) -> Any:
    found = conn.execute(sa.select(*_RULE).where(synonym_rule.c.id == rule_id)).first()
    if found is None:
        raise NotFound(f"synonym rule {rule_id} does not exist")
    return found


def _all_rules(conn: Connection) -> list[SynonymRule]:
    return [_rule(r) for r in conn.execute(sa.select(*_RULE).order_by(synonym_rule.c.id))]


def _rule(row: Any) -> SynonymRule:
    rule_id, kind, terms, updated_at, updated_by = row
    return SynonymRule(
        id=rule_id,
        kind=cast(RuleKind, kind),
        terms=tuple(json.loads(terms)),
        updated_at=datetime.fromisoformat(updated_at),
        updated_by=updated_by,
    )


def _change(row: Any) -> SynonymChange:
    rule_id, version, action, author, at, before, after = row
    return SynonymChange(
        rule_id=rule_id,
        version=version,
        action=action,
        author=author,
        at=datetime.fromisoformat(at),
        before=_from_body(rule_id, before),
        after=_from_body(rule_id, after),
    )


def _terms_json(rule: SynonymRule) -> str:
    return json.dumps(list(rule.terms), ensure_ascii=False)


def _body_json(rule: SynonymRule | None) -> str | None:
    return None if rule is None else json.dumps(rule.body(), ensure_ascii=False)


def _from_body(rule_id: int, body: str | None) -> SynonymRule | None:
    if body is None:
        return None
    data = json.loads(body)
    return SynonymRule(id=rule_id, kind=data["kind"], terms=tuple(data["terms"]))


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def _now() -> datetime:
    """Now in UTC at the millisecond precision that is stored, so returned rules equal read ones."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
