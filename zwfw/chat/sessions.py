"""Chat sessions with a time-to-live: the context that lets "那要多少钱" refer to the
service under discussion.

A session is one small JSON state per id, kept in a `KeyValue` (in process, or Redis so the
next turn may reach another replica). It expires `ttl` seconds after its last turn: a
citizen who comes back an hour later starts afresh rather than being answered about the
passport they asked after in the morning.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field, fields

from zwfw.storage.kv import KeyValue

_PREFIX = "chat-session:"


@dataclass
class SessionState:
    """What the assistant remembers between turns."""

    group: list[str] = field(default_factory=list)  # item keys: every variant of the service
    keys: list[str] = field(default_factory=list)  # those still matching what was said
    fields: list[str] = field(default_factory=list)  # guide fields last asked for
    region: str | None = None  # division code the citizen named; kept for later questions
    choices: dict[str, str] = field(default_factory=dict)  # variant / audience / name chosen
    pending: str | None = None  # what a clarification asked: variant, region, audience, name, pick
    options: dict[str, str] = field(default_factory=dict)  # quick reply → the value it picks
    turns: int = 0
    nav_session: str | None = None  # a guided navigation in progress (see chat.nav_bridge)
    topic: str | None = None  # what the last answer was about, for follow-ups without a subject
    last_ask: str | None = None  # the last question asked, so it is never asked twice in a row
    rest: list[str] = field(default_factory=list)  # candidates not yet offered ("都不是")
    query: str | None = None  # the last message routed as a question, for a free answer to it
    answered: str | None = None  # the FAQ entry last answered from, not to be repeated

    @property
    def item_key(self) -> str | None:
        """The one item under discussion, once the variants are narrowed to one."""
        return self.keys[0] if len(self.keys) == 1 else None


class SessionStore:
    """Sessions by id in `kv`, each written with the TTL (the store forgets them itself)."""

    def __init__(self, kv: KeyValue, ttl_seconds: int) -> None:
        self._kv, self.ttl = kv, ttl_seconds

    def close(self) -> None:
        """Nothing to close: the key-value store belongs to whoever built it."""

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    def load(self, session_id: str) -> SessionState:
        """The session's state; a fresh one when unknown or expired."""
        return self.find(session_id) or SessionState()

    def find(self, session_id: str) -> SessionState | None:
        """The session's state, or None when unknown or expired. Fields a newer or older
        release does not know are ignored, so a rolling upgrade keeps conversations."""
        found = self._kv.get(_PREFIX + session_id)
        if found is None:
            return None
        known = {f.name for f in fields(SessionState)}
        return SessionState(**{k: v for k, v in json.loads(found).items() if k in known})

    def save(self, session_id: str, state: SessionState) -> None:
        data = json.dumps(asdict(state), ensure_ascii=False).encode("utf-8")
        self._kv.set(_PREFIX + session_id, data, self.ttl)
