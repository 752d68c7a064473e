"""Short Chinese wording for conditions and facts, so every verdict can be read by a citizen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zwfw.core.regions import name_of
from zwfw.personal.conditions import Comparison
from zwfw.personal.fields import FieldSpec, Kind

_CHOICE_NAMES = {
    "employed": "在职",
    "unemployed": "失业",
    "self_employed": "灵活就业或个体经营",
    "retired": "退休",
    "student": "在校学生",
    "micro": "微型",
    "small": "小型",
    "medium": "中型",
    "large": "大型",
    "lt_1m": "100万元以下",
    "1m_10m": "100万至1000万元",
    "10m_100m": "1000万至1亿元",
    "gt_100m": "1亿元以上",
}
# (true, false) wording of the yes/no facts.
_BOOL = {
    "has_disability": ("持有残疾人证", "未持有残疾人证"),
    "retired": ("已退休", "未退休"),
    "low_income": ("属于低收入家庭", "不属于低收入家庭"),
}
_SYMBOL = {"eq": "=", "ne": "≠", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}
_NEGATION = {
    "eq": "ne", "ne": "eq", "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte",
    "in": "not_in", "not_in": "in",
}  # fmt: skip
UNKNOWN = "未知（未填写或未授权用于此用途）"


def describe(cond: Comparison, negated: bool = False) -> str:
    """The condition as a short phrase; `negated` words what a `not` above it requires."""
    spec, op, value = cond.field, cond.op, cond.value
    if negated and op in _NEGATION:
        op, negated = _NEGATION[op], False
    if op == "exists":
        present = bool(value) != negated
        return f"{'已' if present else '未'}提供{spec.label}"
    if spec.kind is Kind.BOOL and op in ("eq", "ne"):
        yes = bool(value) == (op == "eq")
        return _BOOL.get(spec.name, (spec.label, f"非{spec.label}"))[0 if yes else 1]
    no = "不" if negated else ""
    if op in ("eq", "ne") and spec.kind in (Kind.TEXT, Kind.REGION):
        return f"{spec.label}{'为' if op == 'eq' else '不为'}{show(spec, value)}"
    if op in _SYMBOL:
        return f"{spec.label} {_SYMBOL[op]} {show(spec, value)}"
    if op in ("in", "not_in"):
        words = "、".join(show(spec, v) for v in value)
        return f"{spec.label}{'为' if op == 'in' else '不为'}{words}" + (
            "之一" if len(value) > 1 and op == "in" else ""
        )
    if op == "contains":
        return f"{spec.label}{no}包含{show(spec, value)}"
    if op == "within":
        return f"{spec.label}{no}在{name_of(value)}范围内"
    lo, hi = value
    if op == "date_between" and lo is None:
        return f"{spec.label}{'晚于' if negated else '不晚于'}{hi.isoformat()}"
    if op == "date_between" and hi is None:
        return f"{spec.label}{'早于' if negated else '不早于'}{lo.isoformat()}"
    return f"{spec.label}{no}在{show(spec, lo)}至{show(spec, hi)}之间"


def show(spec: FieldSpec, value: Any) -> str:
    """One value as a citizen would write it (region names, Chinese enum names, ISO dates)."""
    if value is None:
        return UNKNOWN
    if isinstance(value, list | tuple):
        return "、".join(show(spec, v) for v in value) if value else "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec.kind is Kind.REGION:
        return f"{name_of(value)}（{value}）" if name_of(value) != value else value
    return _CHOICE_NAMES.get(str(value), str(value))


def describe_fact(spec: FieldSpec, value: Any) -> str:
    """The user's fact behind a condition, e.g. `年龄：62`."""
    if spec.kind is Kind.BOOL and value is not None and spec.name in _BOOL:
        return _BOOL[spec.name][0 if value else 1]
    return f"{spec.label}：{show(spec, value)}"
