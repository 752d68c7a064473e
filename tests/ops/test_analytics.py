"""Each analytics figure, computed from a known set of seeded events."""

from __future__ import annotations

import datetime as dt

import pytest

from zwfw.ops import Click, Ops, Period, Rating, RequestEvent, TargetType, Turn
from zwfw.ops.analytics import (
    HandoffRate,
    LowRatedAnswer,
    NoClickQuery,
    PositionCtr,
    QueryCount,
    RouteLatency,
    percentile,
)
from zwfw.ops.db import CST

DAY1, DAY2 = dt.date(2025, 3, 1), dt.date(2025, 3, 2)
ALL = Period()
ONLY_DAY1 = Period.from_dates(DAY1, DAY1)
TEN = tuple(f"item-{i}" for i in range(10))


def at(day: dt.date, hour: int = 12) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST).timestamp()


def seed(ops: Ops) -> None:
    """Day 1: 护照 ×3 (clicked at 1 and 3, once not at all), 火星签证 ×2 with no results,
    QA: one answer and two hand-offs. Day 2: 護照 once (traditional spelling), unclicked."""
    log = ops.querylog
    for i, clicked in enumerate((1, 3, None)):
        log.record(Turn(f"p{i}", "search", "护照", TEN, 50, 30.0, at=at(DAY1)))
        if clicked:
            log.record(Click(f"p{i}", clicked, TEN[clicked - 1], at=at(DAY1)))
    log.record(Turn("p3", "search", "護照", TEN, 50, 30.0, at=at(DAY2)))
    for i in range(2):
        log.record(Turn(f"z{i}", "search", "火星签证", (), 0, 20.0, at=at(DAY1)))
    log.record(Turn("q0", "qa", "医保密码忘了", ("faq-1",), 1, 40.0, action="answer", at=at(DAY1)))
    for i in range(2):
        log.record(Turn(f"h{i}", "qa", "我要投诉", (), 0, 40.0, action="handoff", at=at(DAY1)))
    for ms in range(1, 101):
        log.record(RequestEvent("/v1/search", "GET", 200, float(ms), at=at(DAY1)))
    log.record(RequestEvent("/v1/qa", "POST", 200, 7.0, at=at(DAY2)))
    log.flush()
    for answer, score in (("faq-1", 1), ("faq-1", 2), ("faq-2", 5), ("faq-2", 4)):
        ops.ratings.add(Rating(TargetType.ANSWER, answer, score, at=at(DAY1)))


@pytest.fixture
def seeded(ops: Ops) -> Ops:
    seed(ops)
    return ops


def test_top_queries_group_spellings_and_count_every_turn(seeded: Ops) -> None:
    top = seeded.analytics.top_queries(ALL)
    assert top[:3] == [
        QueryCount("护照", 4, "護照"),
        QueryCount("我要投诉", 2, "我要投诉"),  # ties are ordered by the query text
        QueryCount("火星签证", 2, "火星签证"),
    ]


def test_a_date_filter_keeps_whole_beijing_days(seeded: Ops) -> None:
    assert seeded.analytics.top_queries(ONLY_DAY1, limit=1) == [QueryCount("护照", 3, "护照")]
    day2 = Period.from_dates(DAY2, None)
    assert seeded.analytics.top_queries(day2) == [QueryCount("護照", 1, "護照")]


def test_a_turn_just_before_beijing_midnight_belongs_to_that_day(ops: Ops) -> None:
    ops.querylog.record(Turn("late", "search", "社保", TEN, 5, 1.0, at=at(DAY1, 0) + 86_399))
    ops.querylog.flush()
    assert ops.analytics.top_queries(ONLY_DAY1) == [QueryCount("社保", 1, "社保")]
    assert ops.analytics.top_queries(Period.from_dates(DAY2, DAY2)) == []


def test_zero_result_queries_are_the_searches_that_found_nothing(seeded: Ops) -> None:
    assert seeded.analytics.zero_result_queries(ALL) == [QueryCount("火星签证", 2, "火星签证")]


def test_no_click_queries_count_searches_with_results_left_unclicked(seeded: Ops) -> None:
    assert seeded.analytics.no_click_queries(ALL) == [NoClickQuery("护照", 4, 2)]
    assert seeded.analytics.no_click_queries(ONLY_DAY1) == [NoClickQuery("护照", 3, 1)]


def test_click_through_by_position_divides_clicks_by_impressions(seeded: Ops) -> None:
    ctr = seeded.analytics.ctr_by_position(ALL, positions=3)
    assert ctr == [
        PositionCtr(1, 4, 1, 0.25),
        PositionCtr(2, 4, 0, 0.0),
        PositionCtr(3, 4, 1, 0.25),
    ]


def test_positions_on_a_second_page_count_from_the_first_result(ops: Ops) -> None:
    ops.querylog.record(Turn("pg2", "search", "护照", TEN, 50, 1.0, result_offset=10))
    ops.querylog.record(Click("pg2", 11, TEN[0]))
    ops.querylog.flush()
    ctr = ops.analytics.ctr_by_position(ALL, positions=12)
    assert ctr == [PositionCtr(11, 1, 1, 1.0), PositionCtr(12, 1, 0, 0.0)]


def test_low_rated_answers_are_listed_worst_first(seeded: Ops) -> None:
    assert seeded.analytics.low_rated_answers(ALL) == [LowRatedAnswer("faq-1", 2, 1.5)]
    assert seeded.analytics.low_rated_answers(ALL, min_ratings=3) == []


def test_handoff_rate_is_the_share_of_answered_turns_handed_to_a_human(seeded: Ops) -> None:
    assert seeded.analytics.handoff_rate(ALL) == HandoffRate(3, 2, 0.6667)
    assert seeded.analytics.handoff_queries(ALL) == [QueryCount("我要投诉", 2, "我要投诉")]


def test_handoff_rate_without_turns_is_zero_not_an_error(ops: Ops) -> None:
    assert ops.analytics.handoff_rate(ALL) == HandoffRate(0, 0, 0.0)


def test_latency_reports_p50_and_p99_per_route(seeded: Ops) -> None:
    assert seeded.analytics.latency(ALL) == [
        RouteLatency("/v1/qa", 1, 7.0, 7.0),
        RouteLatency("/v1/search", 100, 50.0, 99.0),
    ]
    assert [r.route for r in seeded.analytics.latency(ONLY_DAY1)] == ["/v1/search"]


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([], 50, 0.0), ([5.0], 99, 5.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.0), ([1.0, 2.0], 99, 2.0)],
)
def test_percentile_is_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


def test_ratings_aggregate_per_target_and_department(ops: Ops) -> None:
    for score, dept in ((5, "广州市公安局"), (4, "广州市公安局"), (1, "广州市人社局")):
        ops.ratings.add(Rating(TargetType.ITEM, f"i-{dept}", score, department=dept))
    by_dept = {a.key: a for a in ops.ratings.by_department()}
    assert by_dept["广州市公安局"].count == 2 and by_dept["广州市公安局"].mean == 4.5
    assert by_dept["广州市公安局"].good_share == 1.0 and by_dept["广州市人社局"].scores == (
        1, 0, 0, 0, 0,
    )  # fmt: skip
    assert {a.key for a in ops.ratings.by_target()} == {
        "item:i-广州市公安局",
        "item:i-广州市人社局",
    }
