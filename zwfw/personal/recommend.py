"""Recommendations: life-stage rules, co-occurrence, regional popularity, high-frequency list.

Sources are mixed, not ranked on one score: timely life-stage items come first, then the
other three sources take turns, so one busy source cannot crowd out the rest. Every entry
names its source and a short Chinese reason, and is the variant for the user's region.
Catalogues the user has already handled are not suggested again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from zwfw.core.records import Item
from zwfw.personal.catalogue import Catalogue, applies_to, catalog_of
from zwfw.personal.events import EventLog
from zwfw.personal.fields import Audience
from zwfw.personal.rules import Facts

Source = Literal["life_stage", "co_occurrence", "regional", "high_frequency"]


@dataclass(frozen=True)
class Recommendation:
    item: Item
    source: Source
    reason: str


@dataclass(frozen=True)
class LifeStage:
    """Catalogues a life event calls for; `applies` reads facts consented for `recommend`."""

    reason: str
    catalogs: tuple[str, ...]
    applies: Callable[[Facts], bool]


LIFE_STAGES = (
    LifeStage(
        "今年年满60周岁",
        ("老年人优待证办理", "企业职工基本养老金申领", "城乡居民基本养老保险待遇申领"),
        lambda f: f.get("age") == 60,
    ),
    LifeStage(
        "孩子今年满6周岁，到了入学年龄",
        ("义务教育阶段学校入学报名",),
        lambda f: 6 in f.get("children_ages", ()),
    ),
    LifeStage(
        "家中有新生儿",
        ("出生登记", "新生儿出生“一件事”联办"),
        lambda f: 0 in f.get("children_ages", ()),
    ),
)
HIGH_FREQUENCY: dict[Audience, tuple[str, ...]] = {
    "person": (
        "居民身份证申领、换领、补领", "社会保障卡服务", "住房公积金提取", "异地就医备案",
        "普通护照签发", "机动车驾驶证核发、审验", "个人权益记录（参保证明）查询打印",
        "往来港澳通行证签发", "居住证核发", "不动产登记",
    ),
    "enterprise": (
        "有限责任公司设立登记", "发票领用", "社会保险参保登记", "公章刻制备案",
        "开具税收完税证明", "住房公积金缴存登记",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Context:
    """What the recommender knows of one user: consented facts, region, event history."""

    user_id: str
    audience: Audience
    facts: Facts
    region: str | None


class Recommender:
    def __init__(
        self,
        catalogue: Catalogue,
        events: EventLog,
        high_frequency: Mapping[Audience, Sequence[str]] = HIGH_FREQUENCY,
        life_stages: Sequence[LifeStage] = LIFE_STAGES,
        min_users: int = 2,
    ) -> None:
        self._catalogue = catalogue
        self._events = events
        self._high_frequency = high_frequency
        self._life_stages = life_stages
        self._min_users = min_users

    def recommend(self, ctx: Context, size: int, now: dt.datetime) -> list[Recommendation]:
        history = self._events.catalogs_of(ctx.user_id, now)
        handled = {c for c, kinds in history.items() if "handle" in kinds}
        turns = _round_robin(
            self._co_occurring(ctx, list(history), now),
            self._regional(ctx, now),
            ((c, "high_frequency", "高频办理事项") for c in self._high_frequency[ctx.audience]),
        )
        picked: list[Recommendation] = []
        seen = set(handled)
        for catalog, source, reason in itertools.chain(self._life_stage(ctx), turns):
            item = self._catalogue.variant(catalog, ctx.region, ctx.audience)
            if catalog in seen or item is None:
                continue
            seen.add(catalog)
            picked.append(Recommendation(item, source, reason))
            if len(picked) == size:
                break
        return picked

    def _life_stage(self, ctx: Context) -> Iterable[tuple[str, Source, str]]:
        for stage in self._life_stages:
            if ctx.audience == "person" and stage.applies(ctx.facts):
                yield from ((c, "life_stage", stage.reason) for c in stage.catalogs)

    def _co_occurring(
        self, ctx: Context, mine: list[str], now: dt.datetime
    ) -> list[tuple[str, Source, str]]:
        rows = self._events.co_occurring(ctx.user_id, mine, now, self._min_users)
        return [(other, "co_occurrence", f"办理「{src}」的人也常办") for src, other, _ in rows]

    def _regional(self, ctx: Context, now: dt.datetime) -> list[tuple[str, Source, str]]:
        if ctx.region is None:
            return []
        users: dict[str, int] = {}
        where: dict[str, str] = {}  # the region of the catalogue's most popular variant
        for item_id, count in self._events.popular_items(now, self._min_users):
            item = self._catalogue.get(item_id)
            if item is not None and applies_to(item, ctx.region):
                catalog = catalog_of(item)
                users[catalog] = users.get(catalog, 0) + count
                where.setdefault(catalog, item.region_name)
        ranked = sorted(users, key=lambda c: (-users[c], c))
        return [(c, "regional", f"{where[c]}近期热门") for c in ranked]


def _round_robin(*sources: Iterable[tuple[str, Source, str]]) -> Iterable[tuple[str, Source, str]]:
    """One from each source in turn until all are exhausted."""
    for group in itertools.zip_longest(*sources):
        yield from (entry for entry in group if entry is not None)
