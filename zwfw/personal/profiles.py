"""The store of profiles: one wide row per user, consent masks, a keyed ID-card hash.

Each row carries a bit mask per consent purpose (bit order from `fields.STORED`), so the
eligibility pass can drop unconsented fields inside SQL without reading the consent JSON.
ID-card numbers are kept only as HMAC-SHA256 under a configured key: equal numbers match,
and nobody holding the file alone can recover or brute-force them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from zwfw.core.errors import NotFound
from zwfw.personal.fields import STORED, Audience, Kind, Purpose, bit_of
from zwfw.personal.profile import Profile, normalise_id_card, ymd
from zwfw.storage import Storage, sql
from zwfw.storage.tables import profile

NewProfile = tuple[str, Audience, Mapping[str, Any], Mapping[str, frozenset[Purpose]]]
"""(user id, audience, stored values, consents) of a profile to insert in bulk."""

_KINDS: dict[str, Kind] = {name: kind for fields in STORED.values() for name, kind in fields}
COLUMNS = tuple(_KINDS)
STORE = "personal"


class ProfileStore:
    def __init__(self, db: Storage, id_key: str) -> None:
        self._db = db
        self._key = id_key.encode("utf-8")

    def put(
        self,
        user_id: str,
        audience: Audience,
        values: Mapping[str, Any],
        consents: Mapping[str, frozenset[Purpose]],
        id_card: str | None,
        now: dt.datetime,
    ) -> Profile:
        """Replace the user's profile whole; an omitted ID-card number keeps the stored hash."""
        row = _row(user_id, audience, values, consents, now)
        row["id_card_hmac"] = self.id_card_hash(id_card) if id_card else None
        with self._db.transaction(STORE) as conn:
            insert = sql.insert(conn, profile).values(row)
            updates = {n: insert.excluded[n] for n in row if n != "user_id"}
            updates["id_card_hmac"] = sa.func.coalesce(
                insert.excluded.id_card_hmac, profile.c.id_card_hmac
            )
            conn.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=updates))
        return self.get(user_id)

    def put_many(self, rows: Iterable[NewProfile], now: dt.datetime) -> int:
        """Bulk insert of new profiles whose values are already validated (loads, benchmarks)."""
        values = [_row(*r, now) for r in rows]
        if values:
            with self._db.transaction(STORE) as conn:
                conn.execute(sa.insert(profile), values)
        return len(values)

    def get(self, user_id: str) -> Profile:
        with self._db.read(STORE) as conn:
            row = conn.execute(sa.select(profile).where(profile.c.user_id == user_id)).first()
        if row is None:
            raise NotFound(f"no profile for user {user_id!r}")
        return _profile(dict(row._mapping))

    def delete(self, conn: Connection, user_id: str) -> int:
        """Delete inside the caller's transaction (the service deletes events with it)."""
        return conn.execute(sa.delete(profile).where(profile.c.user_id == user_id)).rowcount

    def user_for_id_card(self, number: str) -> str | None:
        """The user whose profile records this ID-card number, if any."""
        query = sa.select(profile.c.user_id).where(
            profile.c.id_card_hmac == self.id_card_hash(number)
        )
        with self._db.read(STORE) as conn:
            found = conn.execute(query).scalar()
        return None if found is None else str(found)

    def id_card_hash(self, number: str) -> str:
        digest = hmac.new(self._key, normalise_id_card(number).encode(), hashlib.sha256)
        return "hmac-sha256:" + digest.hexdigest()


def _row(
    user_id: str,
    audience: Audience,
    values: Mapping[str, Any],
    consents: Mapping[str, frozenset[Purpose]],
    now: dt.datetime,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "user_id": user_id,
        "audience": audience,
        "updated_at": now.isoformat(),
        "consents": json.dumps({k: sorted(v) for k, v in sorted(consents.items())}),
    }
    for purpose in Purpose:
        mask = sum(bit_of(audience, f) for f, ps in consents.items() if purpose in ps)
        row[f"mask_{purpose.value}"] = mask
    for name in COLUMNS:
        value = values.get(name)
        row[name] = None if value is None else _to_sql(_KINDS[name], value)
    return row


def _to_sql(kind: Kind, value: Any) -> Any:
    # Lists are stored as "|a|b|" so `contains` is one instr() over the column.
    if kind in (Kind.INT_LIST, Kind.TEXT_LIST):
        return "|" + "".join(f"{v}|" for v in value)
    if kind is Kind.BOOL:
        return int(value)
    if kind is Kind.DATE:
        return ymd(value)
    return value


def _from_sql(kind: Kind, value: Any) -> Any:
    if kind is Kind.INT_LIST:
        return tuple(int(v) for v in value.strip("|").split("|") if v)
    if kind is Kind.TEXT_LIST:
        return tuple(v for v in value.strip("|").split("|") if v)
    if kind is Kind.BOOL:
        return bool(value)
    if kind is Kind.DATE:
        return dt.date(value // 10000, value // 100 % 100, value % 100)
    return value


def _profile(row: Mapping[str, Any]) -> Profile:
    audience: Audience = row["audience"]
    values = {
        name: _from_sql(kind, row[name]) for name, kind in STORED[audience] if row[name] is not None
    }
    consents = {k: frozenset(Purpose(p) for p in v) for k, v in json.loads(row["consents"]).items()}
    return Profile(
        user_id=row["user_id"],
        audience=audience,
        values=values,
        consents=consents,
        id_card_on_file=row["id_card_hmac"] is not None,
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )
