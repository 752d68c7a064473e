"""Shared helpers of the personal-space tests: demo records, a fixed clock, consent."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from zwfw.core.records import Item, Policy
from zwfw.indexer import load_sources

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
SECRET = "test-user-token-secret-0123456789abcdef"
SALT = "test-id-card-key-0123456789"
# 2026-03-01 in China: someone born in 1966 turns 60 this year, a child born in 2020 turns 6.
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ALL = ["recommend", "policy", "push"]


@cache
def demo_records() -> tuple[tuple[Policy, ...], tuple[Item, ...]]:
    records = load_sources([DEMO]).records
    return (
        tuple(r for r in records if isinstance(r, Policy)),
        tuple(r for r in records if isinstance(r, Item)),
    )


def consent_all(values: dict[str, Any]) -> dict[str, list[str]]:
    """Every given field consented for every purpose."""
    return dict.fromkeys(values, ALL)


class Clock:
    """A settable clock, so retention and ages can be tested without waiting."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def make_policy(eligibility: dict[str, Any] | None, audience: str = "person") -> Policy:
    """A national policy with the given eligibility tree, for rule tests."""
    return Policy(
        id="p-test",
        title="测试政策",
        issuer="测试",
        region_code="100000",
        region_name="全国",
        audience=audience,  # type: ignore[arg-type]
        summary="测试",
        eligibility=eligibility,
    )
