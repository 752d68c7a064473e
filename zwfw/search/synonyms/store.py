"""Administrator-edited synonym rules in SQLite, with an append-only history and a cached
snapshot that follows edits from this and other processes without a restart."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from zwfw.core.errors import BackendUnavailable, NotFound
from zwfw.models import normalize
from zwfw.search.synonyms.lexicon import (
    SHIPPED_LEXICON,
    RuleKind,
    SynonymRule,
    SynonymSet,
    load_lexicon,
    validate,
)

Action = Literal["create", "update", "delete"]
SYSTEM_AUTHOR = "system"

# Table names carry a prefix: the state database is shared with other administrator data.
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS synonym_rule (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('equivalent', 'oneway')),
        terms TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS synonym_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id INTEGER NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        before TEXT,
        after TEXT)""",
    "CREATE INDEX IF NOT EXISTS synonym_history_rule ON synonym_history (rule_id, seq)",
    "CREATE TABLE IF NOT EXISTS synonym_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
)
_RULE_COLUMNS = "id, kind, terms, updated_at, updated_by"
_HISTORY_COLUMNS = "rule_id, version, action, author, at, before, after"


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
    """Rules in force plus their history in the SQLite file at `path` (WAL mode).

    On first open the tables are created and, when `seed` is given, filled from that lexicon
    in one transaction; later opens never reseed, so rules an administrator deleted stay
    deleted. Thread-safe: reads and writes use separate connections, so a slow write never
    holds up `snapshot()`.
    """

    def __init__(self, path: Path, seed: Path | None = SHIPPED_LEXICON) -> None:
        self.path = path
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._generation = 0  # bumped by every write through this instance
        self._cache: tuple[tuple[int, int], SynonymSet] | None = None
        with _guard(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = _connect(path)
            self._reader = _connect(path)
        self._prepare(seed)

    def close(self) -> None:
        self._writer.close()
        self._reader.close()

    def __enter__(self) -> SynonymStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def snapshot(self) -> SynonymSet:
        """The rules in force, as of the latest commit by any process.

        Meant to be called on every query: it costs one `PRAGMA data_version` (microseconds)
        unless something changed, and only then rebuilds (a few milliseconds).
        """
        with self._read_lock, _guard(self.path):
            version = self._reader.execute("PRAGMA data_version").fetchone()[0]
            key = (int(version), self._generation)
            if self._cache is None or self._cache[0] != key:
                self._cache = (key, self._build())
            return self._cache[1]

    def list(self, offset: int = 0, limit: int = 50, q: str | None = None) -> SynonymPage:
        """Rules in id order; `q` keeps rules with a term containing it (after normalising)."""
        needle = normalize(q) if q else ""
        where = (
            "WHERE EXISTS (SELECT 1 FROM json_each(synonym_rule.terms) AS t"
            " WHERE instr(t.value, :q) > 0)"
            if needle
            else ""
        )
        params = {"q": needle, "limit": limit, "offset": offset}
        with self._read() as db:
            total = db.execute(f"SELECT count(*) FROM synonym_rule {where}", params).fetchone()
            rows = db.execute(
                f"SELECT {_RULE_COLUMNS} FROM synonym_rule {where}"
                " ORDER BY id LIMIT :limit OFFSET :offset",
                params,
            ).fetchall()
        return SynonymPage(total=int(total[0]), items=tuple(map(_rule, rows)))

    def get(self, rule_id: int) -> SynonymRule:
        with self._read() as db:
            return _rule(_one(db, rule_id))

    def create(self, rule: SynonymRule, author: str) -> SynonymRule:
        """Store a new rule after `validate`; `InvalidRecord` says why one is refused."""
        with self._write() as db:
            clean = validate(replace(rule, id=None), _all_rules(db))
            version, at = _bump(db), _now()
            cursor = db.execute(
                "INSERT INTO synonym_rule (kind, terms, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?)",
                (clean.kind, _terms_json(clean), at.isoformat(timespec="milliseconds"), author),
            )
            stored = replace(clean, id=cursor.lastrowid, updated_at=at, updated_by=author)
            _record(db, version, "create", author, at, None, stored)
        return stored

    def update(self, rule_id: int, rule: SynonymRule, author: str) -> SynonymRule:
        """Replace a rule's kind and terms; an update that changes nothing is not recorded."""
        with self._write() as db:
            current = _rule(_one(db, rule_id))
            clean = validate(replace(rule, id=rule_id), _all_rules(db))
            if clean == current:
                return current
            version, at = _bump(db), _now()
            db.execute(
                "UPDATE synonym_rule SET kind = ?, terms = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ?",
                (clean.kind, _terms_json(clean), at.isoformat(timespec="milliseconds"), author,
                 rule_id),
            )  # fmt: skip
            stored = replace(clean, updated_at=at, updated_by=author)
            _record(db, version, "update", author, at, current, stored)
        return stored

    def delete(self, rule_id: int, author: str) -> None:
        with self._write() as db:
            current = _rule(_one(db, rule_id))
            version, at = _bump(db), _now()
            db.execute("DELETE FROM synonym_rule WHERE id = ?", (rule_id,))
            _record(db, version, "delete", author, at, current, None)

    def history(self, rule_id: int) -> tuple[SynonymChange, ...]:
        """Every change to one rule, oldest first; kept after the rule is deleted."""
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_HISTORY_COLUMNS} FROM synonym_history WHERE rule_id = ? ORDER BY seq",
                (rule_id,),
            ).fetchall()
        if not rows:
            raise NotFound(f"synonym rule {rule_id} has no history: it never existed")
        return tuple(map(_change, rows))

    def history_all(self, limit: int = 100) -> tuple[SynonymChange, ...]:
        """The latest changes to any rule, newest first."""
        with self._read() as db:
            rows = db.execute(
                f"SELECT {_HISTORY_COLUMNS} FROM synonym_history ORDER BY seq DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return tuple(map(_change, rows))

    def _prepare(self, seed: Path | None) -> None:
        """Create the tables and seed once; BEGIN IMMEDIATE makes a second process that
        opens the same new file wait and then find it seeded."""
        with self._write() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            if db.execute("SELECT 1 FROM synonym_meta WHERE key = 'version'").fetchone():
                return
            db.execute("INSERT INTO synonym_meta (key, value) VALUES ('version', 0)")
            rules = load_lexicon(seed) if seed is not None else []
            if rules:
                _seed(db, rules)

    def _build(self) -> SynonymSet:
        self._reader.execute("BEGIN")  # one read transaction: rules and version agree
        try:
            rules = _all_rules(self._reader)
            return SynonymSet(rules, version=_version(self._reader))
        finally:
            self._reader.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._read_lock, _guard(self.path):
            yield self._reader

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock, _guard(self.path):
            db = self._writer
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            self._generation += 1


@contextmanager
def _guard(path: Path) -> Iterator[None]:
    """SQLite failures (locked past the timeout, unreadable file) become a domain error."""
    try:
        yield
    except sqlite3.Error as exc:
        raise BackendUnavailable(f"synonym store {path}: {exc}") from exc


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are opened explicitly, so reads never hold one open.
    db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    return db


def _seed(db: sqlite3.Connection, rules: Sequence[SynonymRule]) -> None:
    version, at = _bump(db), _now()
    for rule in rules:
        cursor = db.execute(
            "INSERT INTO synonym_rule (kind, terms, updated_at, updated_by) VALUES (?, ?, ?, ?)",
            (rule.kind, _terms_json(rule), at.isoformat(timespec="milliseconds"), SYSTEM_AUTHOR),
        )
        stored = replace(rule, id=cursor.lastrowid)
        _record(db, version, "create", SYSTEM_AUTHOR, at, None, stored)


def _bump(db: sqlite3.Connection) -> int:
    db.execute("UPDATE synonym_meta SET value = value + 1 WHERE key = 'version'")
    return _version(db)


def _version(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM synonym_meta WHERE key = 'version'").fetchone()
    return int(row[0]) if row else 0


def _record(
    db: sqlite3.Connection,
    version: int,
    action: Action,
    author: str,
    at: datetime,
    before: SynonymRule | None,
    after: SynonymRule | None,
) -> None:
    rule = after or before
    assert rule is not None and rule.id is not None
    db.execute(
        f"INSERT INTO synonym_history ({_HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (rule.id, version, action, author, at.isoformat(timespec="milliseconds"),
         _body_json(before), _body_json(after)),
    )  # fmt: skip


def _one(db: sqlite3.Connection, rule_id: int) -> Any:
    row = db.execute(f"SELECT {_RULE_COLUMNS} FROM synonym_rule WHERE id = ?", (rule_id,))
    found = row.fetchone()
    if found is None:
        raise NotFound(f"synonym rule {rule_id} does not exist")
    return found


def _all_rules(db: sqlite3.Connection) -> list[SynonymRule]:
    return [_rule(r) for r in db.execute(f"SELECT {_RULE_COLUMNS} FROM synonym_rule ORDER BY id")]


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


def _now() -> datetime:
    """Now in UTC at the millisecond precision that is stored, so returned rules equal read ones."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
