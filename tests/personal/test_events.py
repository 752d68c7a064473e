"""Behaviour events: validated on the way in, and never kept beyond the retention window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from personal_support import Clock

from zwfw.core.errors import InvalidQuery
from zwfw.personal import EventType, PersonalService

PASSPORT_GZ = "11440100007483172Q3440106611001"


def test_events_older_than_the_retention_window_are_purged(
    make_service: Callable[..., PersonalService], clock: Clock
) -> None:
    service = make_service(retention_days=30)
    service.record_event("u1", EventType.CLICK, item_id=PASSPORT_GZ)
    clock.now += dt.timedelta(days=31)
    service.record_event("u2", EventType.SEARCH, query="护照")
    assert service.events_count("u1") == 0 and service.events_count("u2") == 1


def test_events_inside_the_window_are_kept(
    make_service: Callable[..., PersonalService], clock: Clock
) -> None:
    service = make_service(retention_days=30)
    service.record_event("u1", EventType.CLICK, item_id=PASSPORT_GZ)
    clock.now += dt.timedelta(days=29)
    service.record_event("u1", EventType.RATE, item_id=PASSPORT_GZ, rating=5)
    assert service.events_count("u1") == 2


@pytest.mark.parametrize(
    ("kind", "kwargs", "message"),
    [
        pytest.param(EventType.SEARCH, {}, "needs the query", id="search-without-query"),
        pytest.param(EventType.CLICK, {"item_id": "nope"}, "known item_id", id="unknown-item"),
        pytest.param(
            EventType.RATE, {"item_id": PASSPORT_GZ, "rating": 9}, "1 to 5", id="bad-rating"
        ),
    ],
)
def test_an_incomplete_event_is_refused(
    service: PersonalService, kind: EventType, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidQuery, match=message):
        service.record_event("u1", kind, **kwargs)  # type: ignore[arg-type]
    assert service.events_count("u1") == 0
