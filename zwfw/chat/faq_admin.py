"""Administrator editing of FAQ entries: versioned in the state database, live in the index
at once.

Each edit is written to the state database (who, when, before and after) and pushed to the
serving index through the injected `upsert` / `delete` in the same transaction: if the index
write fails, the edit is rolled back, so the history never claims a change nobody sees.
The index stays the source of truth for what is served; the state database keeps the
edits, so `reapply()` can restore them after a full rebuild from the source files.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import sqlalchemy as sa

from zwfw.core.errors import InvalidRecord, NotFound
from zwfw.core.records import Faq, doc_key, parse_record, record_to_dict
from zwfw.search.docstore import DocStore
from zwfw.storage import Storage, bump, sql
from zwfw.storage.tables import faq_edits, faq_history

UpsertFn = Callable[[Sequence[Faq]], None]
DeleteFn = Callable[[Sequence[str]], None]
ChangeAction = Literal["create", "update", "delete"]

STORE = "faq"
_CHANGE = tuple(
    faq_history.c[n] for n in ("faq_id", "version", "action", "author", "at", "before", "after")
)


@dataclass(frozen=True)
class FaqEntry:
    """A served FAQ entry with its edit metadata (version 0: never edited here)."""

    faq: Faq
    live: bool  # inside its effective window today, so answered from
    version: int = 0
    updated_at: dt.datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class FaqPage:
    total: int
    items: list[FaqEntry]


@dataclass(frozen=True)
class FaqChange:
    faq_id: str
    version: int
    action: ChangeAction
    author: str
    at: dt.datetime
    before: Faq | None
    after: Faq | None


# Module-level names: inside the class, `list` is the method.
Changes = list[FaqChange]


class FaqAdmin:
    def __init__(
        self,
        storage: Storage,
        docs: DocStore | Callable[[], DocStore],
        upsert: UpsertFn,
        delete: DeleteFn,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._storage = storage
        # A callable follows the runtime when it reopens the index after a rebuild.
        self._docs = docs if callable(docs) else (lambda: docs)
        self._upsert, self._delete, self._today = upsert, delete, today

    @staticmethod
    def new_id() -> str:
        """An id for an entry created without one."""
        return f"faq-{uuid.uuid4().hex[:10]}"

    def close(self) -> None:
        """Nothing to close: the storage belongs to whoever built it."""

    def list(self, q: str | None = None, offset: int = 0, limit: int = 50) -> FaqPage:
        """Served entries ordered by id; `q` keeps those whose question or answer contains it."""
        faqs = [r for r in self._docs().iter_kind("faq") if isinstance(r, Faq)]
        if q:
            faqs = [f for f in faqs if q in f.question or q in f.answer]
        return FaqPage(len(faqs), [self._entry(f) for f in faqs[offset : offset + limit]])

    def get(self, faq_id: str) -> FaqEntry:
        return self._entry(self._served(faq_id))

    def create(self, faq: Faq, author: str) -> FaqEntry:
        """Add an entry; existing ids are refused (an edit must say it replaces something)."""
        _check(faq)
        if self._find(faq.id) is not None:
            raise InvalidRecord(f"FAQ {faq.id!r} already exists; update it instead")
        self._write(faq.id, "create", author, None, faq)
        return self.get(faq.id)

    def update(self, faq_id: str, faq: Faq, author: str) -> FaqEntry:
        """Replace the entry whole (its id stays `faq_id`)."""
        before = self._served(faq_id)
        after = replace(faq, id=faq_id)
        _check(after)
        self._write(faq_id, "update", author, before, after)
        return self.get(faq_id)

    def delete(self, faq_id: str, author: str) -> None:
        self._write(faq_id, "delete", author, self._served(faq_id), None)

    def history(self, faq_id: str) -> Changes:
        """Every change to the entry, oldest first; kept after it is deleted."""
        query = sa.select(*_CHANGE).where(faq_history.c.faq_id == faq_id)
        changes = self._changes(query.order_by(faq_history.c.seq))
        if not changes and self._find(faq_id) is None:
            raise NotFound(f"no FAQ entry {faq_id!r}")
        return changes

    def history_all(self, limit: int = 100) -> Changes:
        """The latest changes to any entry, newest first."""
        return self._changes(sa.select(*_CHANGE).order_by(faq_history.c.seq.desc()).limit(limit))

    def reapply(self) -> int:
        """Push every edit to the index again (after a full rebuild); returns how many."""
        with self._storage.read(STORE) as conn:
            rows = conn.execute(sa.select(faq_edits.c.id, faq_edits.c.data)).all()
        kept = [_load(data) for _, data in rows if data]
        gone = [doc_key("faq", faq_id) for faq_id, data in rows if not data]
        if kept:
            self._upsert([f for f in kept if f is not None])
        if gone:
            self._delete(gone)
        return len(rows)

    def _write(
        self, faq_id: str, action: ChangeAction, author: str, before: Faq | None, after: Faq | None
    ) -> None:
        """Record the edit, bump the store's version and write the index, all or nothing."""
        now = dt.datetime.now(dt.UTC).isoformat()
        with self._storage.transaction(STORE) as conn:
            bump(conn, STORE)  # also queues concurrent editors of any replica
            found = conn.execute(
                sa.select(faq_edits.c.version).where(faq_edits.c.id == faq_id)
            ).scalar()
            version = int(found or 0) + 1
            row = {
                "data": _dump(after),
                "version": version,
                "updated_at": now,
                "updated_by": author,
            }
            conn.execute(
                sql.insert(conn, faq_edits)
                .values(id=faq_id, **row)
                .on_conflict_do_update(index_elements=[faq_edits.c.id], set_=row)
            )
            conn.execute(
                sa.insert(faq_history).values(
                    faq_id=faq_id, version=version, action=action, author=author, at=now,
                    before=_dump(before), after=_dump(after),
                )
            )  # fmt: skip
            if after is not None:
                self._upsert([after])
            else:
                self._delete([doc_key("faq", faq_id)])

    def _find(self, faq_id: str) -> Faq | None:
        record = self._docs().get([doc_key("faq", faq_id)]).get(doc_key("faq", faq_id))
        return record if isinstance(record, Faq) else None

    def _served(self, faq_id: str) -> Faq:
        faq = self._find(faq_id)
        if faq is None:
            raise NotFound(f"no FAQ entry {faq_id!r}")
        return faq

    def _entry(self, faq: Faq) -> FaqEntry:
        query = sa.select(faq_edits.c.version, faq_edits.c.updated_at, faq_edits.c.updated_by)
        with self._storage.read(STORE) as conn:
            row = conn.execute(query.where(faq_edits.c.id == faq.id)).first()
        live = faq.is_live(self._today())
        if row is None:
            return FaqEntry(faq, live)
        return FaqEntry(faq, live, row[0], dt.datetime.fromisoformat(row[1]), row[2])

    def _changes(self, query: sa.Select[Any]) -> Changes:
        with self._storage.read(STORE) as conn:
            rows = conn.execute(query).all()
        return [
            FaqChange(
                r[0], r[1], r[2], r[3], dt.datetime.fromisoformat(r[4]), _load(r[5]), _load(r[6])
            )
            for r in rows
        ]


def _check(faq: Faq) -> None:
    if faq.effective_from and faq.expires_on and faq.expires_on < faq.effective_from:
        raise InvalidRecord(
            f"expires_on ({faq.expires_on}) is before effective_from ({faq.effective_from})"
        )


def _dump(faq: Faq | None) -> str | None:
    return None if faq is None else json.dumps(record_to_dict(faq), ensure_ascii=False)


def _load(data: str | None) -> Faq | None:
    if data is None:
        return None
    record = parse_record(json.loads(data))
    return record if isinstance(record, Faq) else None
