"""The profile fields eligibility rules may name, and the consent purposes that gate them.

One table drives validation, storage, explanations and the SQL compiler, so a field added
here is known everywhere at once. Derived fields (`age`, `children_ages`,
`years_since_founded`) are computed from a stored field on the day of evaluation, so a
profile never goes stale, and they are usable exactly when their source field is consented.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Literal

Audience = Literal["person", "enterprise"]


class Purpose(StrEnum):
    """Why a field may be used; a user records purposes per field (purpose limitation)."""

    RECOMMEND = "recommend"  # 个性化推荐
    POLICY = "policy"  # 本人查看可享政策
    PUSH = "push"  # 免申即享：主管部门主动推送


class Kind(StrEnum):
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"
    REGION = "region"
    INT_LIST = "int_list"
    TEXT_LIST = "text_list"


EMPLOYMENT = ("employed", "unemployed", "self_employed", "retired", "student")
SIZES = ("micro", "small", "medium", "large")
REVENUE_BANDS = ("lt_1m", "1m_10m", "10m_100m", "gt_100m")

_NUMERIC_OPS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in"})
OPS_BY_KIND: dict[Kind, frozenset[str]] = {
    Kind.INT: _NUMERIC_OPS,
    Kind.FLOAT: _NUMERIC_OPS,
    Kind.TEXT: frozenset({"eq", "ne", "in", "not_in"}),
    Kind.REGION: frozenset({"eq", "ne", "in", "not_in", "within"}),
    Kind.BOOL: frozenset({"eq", "ne"}),
    Kind.DATE: frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "date_between"}),
    Kind.INT_LIST: frozenset({"contains"}),
    Kind.TEXT_LIST: frozenset({"contains"}),
}
ALL_OPS = frozenset().union(*OPS_BY_KIND.values()) | {"exists"}


@dataclass(frozen=True)
class FieldSpec:
    """A fact about a person or an enterprise. `source` is the stored field it comes from."""

    name: str
    label: str
    kind: Kind
    audience: Audience
    source: str
    choices: tuple[str, ...] = ()

    def allows(self, op: str) -> bool:
        return op == "exists" or op in OPS_BY_KIND[self.kind]


def _f(
    name: str,
    label: str,
    kind: Kind,
    audience: Audience,
    source: str | None = None,
    choices: tuple[str, ...] = (),
) -> FieldSpec:
    return FieldSpec(name, label, kind, audience, source or name, choices)


_RULE_FIELDS = (
    _f("age", "年龄", Kind.INT, "person", source="birth_year"),
    _f("birth_year", "出生年份", Kind.INT, "person"),
    _f("region_code", "常住地区", Kind.REGION, "person"),
    _f("hukou_region_code", "户籍地区", Kind.REGION, "person"),
    _f("employment_status", "就业状态", Kind.TEXT, "person", choices=EMPLOYMENT),
    _f("children_ages", "子女年龄", Kind.INT_LIST, "person", source="children_birth_years"),
    _f("has_disability", "持有残疾人证", Kind.BOOL, "person"),
    _f("disability_level", "残疾等级", Kind.INT, "person"),
    _f("retired", "已退休", Kind.BOOL, "person"),
    _f("low_income", "低收入家庭", Kind.BOOL, "person"),
    _f("region_code", "注册地区", Kind.REGION, "enterprise"),
    _f("industry_code", "行业代码", Kind.TEXT, "enterprise"),
    _f("size", "企业规模", Kind.TEXT, "enterprise", choices=SIZES),
    _f("founded_on", "成立日期", Kind.DATE, "enterprise"),
    _f("years_since_founded", "成立年限", Kind.INT, "enterprise", source="founded_on"),
    _f("employees", "职工人数", Kind.INT, "enterprise"),
    _f("revenue_band", "营业收入区间", Kind.TEXT, "enterprise", choices=REVENUE_BANDS),
    _f("qualifications", "资质", Kind.TEXT_LIST, "enterprise"),
    _f("laid_off_rate", "上年裁员率", Kind.FLOAT, "enterprise"),
)
RULE_FIELDS: dict[Audience, dict[str, FieldSpec]] = {
    audience: {f.name: f for f in _RULE_FIELDS if f.audience == audience}
    for audience in ("person", "enterprise")
}

# Stored profile fields, in bit order for the consent masks: append only, never reorder.
STORED: dict[Audience, tuple[tuple[str, Kind], ...]] = {
    "person": (
        ("birth_year", Kind.INT),
        ("region_code", Kind.REGION),
        ("hukou_region_code", Kind.REGION),
        ("employment_status", Kind.TEXT),
        ("children_birth_years", Kind.INT_LIST),
        ("has_disability", Kind.BOOL),
        ("disability_level", Kind.INT),
        ("retired", Kind.BOOL),
        ("low_income", Kind.BOOL),
    ),
    "enterprise": (
        ("credit_code", Kind.TEXT),
        ("region_code", Kind.REGION),
        ("industry_code", Kind.TEXT),
        ("size", Kind.TEXT),
        ("founded_on", Kind.DATE),
        ("employees", Kind.INT),
        ("revenue_band", Kind.TEXT),
        ("qualifications", Kind.TEXT_LIST),
        ("laid_off_rate", Kind.FLOAT),
    ),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "employment_status": EMPLOYMENT,
    "size": SIZES,
    "revenue_band": REVENUE_BANDS,
}


@cache
def bit_of(audience: Audience, stored_field: str) -> int:
    """The consent-mask bit of a stored field."""
    names = [name for name, _ in STORED[audience]]
    return 1 << names.index(stored_field)
