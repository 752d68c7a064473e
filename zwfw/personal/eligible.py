"""Page through every profile eligible for one policy (免申即享 push lists).

Pages follow the profile table's rowid, so a pass is one forward range scan however many
pages it takes, and a profile added mid-pass is still reached if it sorts later. The cursor
is opaque to clients (base64 of the policy id and the last rowid) and is bound to its
policy, so it cannot be replayed against another one. Only fields consented for `push`
count: a citizen who allowed matching for their own view is not put on a push list.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zwfw.core.errors import InvalidQuery, NotFound
from zwfw.personal.conditions import Rule
from zwfw.personal.fields import Purpose
from zwfw.personal.sql import compile_where
from zwfw.storage import Storage
from zwfw.storage.sql import execute_qmark


@dataclass(frozen=True)
class EligiblePage:
    policy_id: str
    user_ids: list[str]
    next_cursor: str | None


class EligibleFinder:
    def __init__(self, db: Storage, rules: Mapping[str, Rule]) -> None:
        self._db = db
        self._rules = rules

    def page(self, policy_id: str, cursor: str | None, size: int, today: dt.date) -> EligiblePage:
        """Up to `size` eligible user ids after `cursor`; `next_cursor` is None at the end."""
        rule = self._rule(policy_id, today)
        after = _decode(cursor, policy_id) if cursor else 0
        where, params = compile_where(rule, Purpose.PUSH, today, self._db.dialect)
        sql = f"SELECT rid, user_id FROM profile WHERE rid > ? AND {where} ORDER BY rid LIMIT ?"
        with self._db.read("personal") as conn:
            found: list[Any] = list(execute_qmark(conn, sql, [after, *params, size]))
        rids = [int(r[0]) for r in found]
        next_cursor = _encode(policy_id, rids[-1]) if len(rids) == size else None
        return EligiblePage(policy_id, [str(r[1]) for r in found], next_cursor)

    def count(self, policy_id: str, today: dt.date) -> int:
        """How many profiles are eligible (one aggregate pass, for reports and benchmarks)."""
        rule = self._rule(policy_id, today)
        where, params = compile_where(rule, Purpose.PUSH, today, self._db.dialect)
        with self._db.read("personal") as conn:
            found = execute_qmark(conn, f"SELECT count(*) FROM profile WHERE {where}", params)
            return int(found.scalar_one())

    def _rule(self, policy_id: str, today: dt.date) -> Rule:
        rule = self._rules.get(policy_id)
        if rule is None:
            raise NotFound(f"no policy {policy_id!r} with eligibility conditions")
        expires = rule.policy.expires_on
        if expires is not None and expires < today:
            raise InvalidQuery(f"policy {policy_id} expired on {expires.isoformat()}")
        return rule


def _encode(policy_id: str, rid: int) -> str:
    raw = json.dumps({"p": policy_id, "r": rid}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, policy_id: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        rid, bound_to = data["r"], data["p"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise InvalidQuery("the cursor is not valid; start again without one") from None
    if isinstance(rid, bool) or not isinstance(rid, int) or not 0 <= rid < 2**63:
        raise InvalidQuery("the cursor is not valid; start again without one")
    if bound_to != policy_id:
        raise InvalidQuery("the cursor belongs to another policy; start again without one")
    return rid
