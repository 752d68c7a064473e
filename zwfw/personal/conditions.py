"""Eligibility trees as data: parsing and validation of a policy's `eligibility` JSON.

Validation happens once, when policies are loaded, so a typo in a field or operator fails
start-up with the policy's id and the node's path instead of silently matching nobody.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from zwfw.core.errors import InvalidRecord
from zwfw.core.records import Policy
from zwfw.personal.fields import ALL_OPS, RULE_FIELDS, FieldSpec, Kind


@dataclass(frozen=True)
class Comparison:
    """A leaf: `field op value`, with `value` normalised (dates parsed, lists as tuples)."""

    field: FieldSpec
    op: str
    value: Any
    path: str


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Comparison | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Rule:
    """A policy with its validated eligibility tree; `leaves` are in tree order."""

    policy: Policy
    root: Node
    leaves: tuple[Comparison, ...]


def compile_policy(policy: Policy) -> Rule | None:
    """The policy's rule, None when it has no conditions; InvalidRecord names the policy."""
    if policy.eligibility is None:
        return None
    try:
        root = _node(policy.eligibility, "eligibility", policy.audience)
    except _Bad as exc:
        raise InvalidRecord(f"policy {policy.id}: {exc}") from None
    return Rule(policy, root, tuple(_leaves(root)))


class _Bad(Exception):
    pass


def _node(data: object, path: str, audience: str) -> Node:
    if not isinstance(data, dict):
        raise _Bad(f"{path}: a condition must be an object, got {data!r}")
    keys = set(data)
    if keys in ({"all"}, {"any"}):
        (key,) = keys
        children = data[key]
        if not isinstance(children, list) or not children:
            raise _Bad(f"{path}.{key}: must be a non-empty list of conditions")
        nodes = tuple(_node(c, f"{path}.{key}[{i}]", audience) for i, c in enumerate(children))
        return AllOf(nodes) if key == "all" else AnyOf(nodes)
    if keys == {"not"}:
        return Not(_node(data["not"], f"{path}.not", audience))
    if keys == {"field", "op", "value"}:
        return _comparison(data, path, audience)
    raise _Bad(f"{path}: expected all/any/not or field/op/value, got keys {sorted(keys)}")


def _comparison(data: dict[str, Any], path: str, audience: str) -> Comparison:
    fields = RULE_FIELDS["person" if audience == "person" else "enterprise"]
    name, op, value = data["field"], data["op"], data["value"]
    spec = fields.get(name)
    if spec is None:
        known = ", ".join(sorted(fields))
        raise _Bad(f"{path}: unknown field {name!r} for {audience} policies; known: {known}")
    if op not in ALL_OPS:
        raise _Bad(f"{path}: unknown operator {op!r}; known: {', '.join(sorted(ALL_OPS))}")
    if not spec.allows(op):
        raise _Bad(f"{path}: operator {op!r} does not apply to {name} ({spec.kind.value})")
    try:
        normalised = _value(spec, op, value)
    except (TypeError, ValueError) as exc:
        raise _Bad(f"{path}: bad value {value!r} for {name} {op}: {exc}") from None
    return Comparison(spec, op, normalised, path)


def _value(spec: FieldSpec, op: str, value: Any) -> Any:
    if op == "exists":
        return _typed(value, bool)
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ValueError("expected a non-empty list")
        return tuple(_scalar(spec, v) for v in value)
    if op == "between":
        lo, hi = _pair(value)
        lo, hi = _scalar(spec, lo), _scalar(spec, hi)
        if lo > hi:
            raise ValueError("the lower bound is above the upper bound")
        return (lo, hi)
    if op == "date_between":
        ends = tuple(None if v is None else _date(v) for v in _pair(value))
        if ends == (None, None):
            raise ValueError("give at least one end of the window")
        return ends
    if op == "contains":
        element = Kind.INT if spec.kind is Kind.INT_LIST else Kind.TEXT
        return _scalar(FieldSpec(spec.name, spec.label, element, spec.audience, spec.source), value)
    return _scalar(spec, value)


def _scalar(spec: FieldSpec, value: Any) -> Any:
    kind = spec.kind
    if kind is Kind.BOOL:
        return _typed(value, bool)
    if kind is Kind.INT:
        return _typed(value, int)
    if kind is Kind.FLOAT:
        return float(_typed(value, (int, float)))
    if kind is Kind.DATE:
        return _date(value)
    text = _typed(value, str)
    if kind is Kind.REGION and not re.fullmatch(r"\d{6}", text):
        raise ValueError("a region is a 6-digit division code")
    if spec.choices and text not in spec.choices:
        raise ValueError(f"valid values: {', '.join(spec.choices)}")
    return text


def _typed(value: Any, types: type | tuple[type, ...]) -> Any:
    # bool is an int in Python; a rule saying `age eq true` is a mistake, not a number.
    is_bool = isinstance(value, bool)
    if not isinstance(value, types) or (is_bool and types is not bool):
        raise TypeError("wrong type")
    return value


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("expected [low, high]")
    return value[0], value[1]


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(_typed(value, str))


def _leaves(node: Node) -> list[Comparison]:
    if isinstance(node, Comparison):
        return [node]
    if isinstance(node, Not):
        return _leaves(node.child)
    return [leaf for child in node.children for leaf in _leaves(child)]
