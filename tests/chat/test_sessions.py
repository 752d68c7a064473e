"""Sessions: kept between turns, forgotten after the time-to-live, in process or in Redis."""

from __future__ import annotations

import json
import time

from zwfw.chat.sessions import SessionState, SessionStore
from zwfw.storage.kv import KeyValue, MemoryKeyValue


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_is_remembered_until_its_ttl_passes() -> None:
    clock = Clock()
    store = SessionStore(MemoryKeyValue(clock=clock), ttl_seconds=60)
    store.save("abc", SessionState(group=["item:1"], region="440100"))
    clock.now += 59
    assert store.load("abc").region == "440100"
    clock.now += 61
    assert store.load("abc") == SessionState()


def test_a_session_saved_through_one_replica_is_loaded_by_another(kv: KeyValue) -> None:
    SessionStore(kv, 60).save("abc", SessionState(choices={"variant": "首次"}))
    assert SessionStore(kv, 60).load("abc").choices == {"variant": "首次"}


def test_a_stored_session_expires_by_itself(kv: KeyValue) -> None:
    store = SessionStore(kv, 60)
    store.ttl = 0.2  # type: ignore[assignment]
    store.save("abc", SessionState(region="440100"))
    time.sleep(0.3)
    assert store.load("abc") == SessionState()


def test_fields_another_release_added_are_ignored(kv: KeyValue) -> None:
    kv.set("chat-session:abc", json.dumps({"region": "110000", "mood": "calm"}).encode(), 60)
    assert SessionStore(kv, 60).load("abc").region == "110000"
