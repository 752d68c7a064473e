"""Sessions: kept between turns, forgotten after the time-to-live."""

from __future__ import annotations

from pathlib import Path

from zwfw.chat.sessions import SessionState, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_is_remembered_until_its_ttl_passes(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "s.sqlite", ttl_seconds=60, clock=clock)
    store.save("abc", SessionState(group=["item:1"], region="440100"))
    clock.now += 59
    assert store.load("abc").region == "440100"
    clock.now += 61
    assert store.load("abc") == SessionState()


def test_expired_sessions_are_purged_when_others_are_saved(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "s.sqlite", ttl_seconds=60, clock=clock)
    store.save("old", SessionState())
    clock.now += 120
    store.save("new", SessionState())
    assert store.count() == 1


def test_sessions_survive_a_restart(tmp_path: Path) -> None:
    SessionStore(tmp_path / "s.sqlite", 60).save("abc", SessionState(choices={"variant": "首次"}))
    assert SessionStore(tmp_path / "s.sqlite", 60).load("abc").choices == {"variant": "首次"}
