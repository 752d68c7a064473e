"""Evaluate an eligibility tree against a profile's facts, with reasons and near-misses.

Logic is three-valued: a fact that is missing, or not consented for the purpose at hand,
is unknown, and a condition on it is neither met nor failed. A policy is eligible only when
its tree is surely true, so unknown facts can never grant a benefit (and `not` of an
unknown stays unknown). The SQL compiler in `sql.py` mirrors these semantics with NULLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zwfw.core.regions import within
from zwfw.personal.conditions import AllOf, AnyOf, Comparison, Node, Not, Rule
from zwfw.personal.wording import describe, describe_fact

Facts = Mapping[str, Any]
"""Rule-field name → value; an absent key is an unknown fact."""


@dataclass(frozen=True)
class Reason:
    """One condition as the policy requires it, and the user's fact it was judged on.

    `field` is the rule field (e.g. `age`); `known` is False when the fact was missing or
    not consented, so a client can invite the user to fill it in."""

    field: str
    condition: str
    fact: str
    known: bool


@dataclass(frozen=True)
class Verdict:
    """`met`: why an eligible user qualifies. `missing`: for a near-miss, the conditions of
    which any one alone would make the user eligible (usually exactly one)."""

    rule: Rule
    eligible: bool
    met: tuple[Reason, ...]
    missing: tuple[Reason, ...]

    @property
    def near_miss(self) -> bool:
        return not self.eligible and bool(self.missing)


def check(cond: Comparison, facts: Facts) -> bool | None:
    """One comparison: True, False, or None when the fact is unknown."""
    fact = facts.get(cond.field.name)
    if cond.op == "exists":
        return (fact is not None) == cond.value
    if fact is None:
        return None
    return _COMPARE[cond.op](fact, cond.value)


_COMPARE: dict[str, Any] = {
    "eq": lambda f, v: f == v,
    "ne": lambda f, v: f != v,
    "gt": lambda f, v: f > v,
    "gte": lambda f, v: f >= v,
    "lt": lambda f, v: f < v,
    "lte": lambda f, v: f <= v,
    "between": lambda f, v: v[0] <= f <= v[1],
    "in": lambda f, v: f in v,
    "not_in": lambda f, v: f not in v,
    "contains": lambda f, v: v in f,
    "within": lambda f, v: within(f, v),
    "date_between": lambda f, v: (v[0] is None or f >= v[0]) and (v[1] is None or f <= v[1]),
}


def judge(rule: Rule, facts: Facts) -> Verdict:
    """The verdict for one profile: eligible with reasons, a near-miss, or neither."""
    results = {leaf.path: check(leaf, facts) for leaf in rule.leaves}
    if evaluate(rule.root, results) is True:
        met = tuple(_reason(leaf, want, facts) for leaf, want in _support(rule.root, True, results))
        return Verdict(rule, True, met, ())
    missing = []
    for leaf in rule.leaves:
        current = results[leaf.path]
        for flipped in (True, False) if current is None else (not current,):
            if evaluate(rule.root, {**results, leaf.path: flipped}) is True:
                missing.append(_reason(leaf, flipped, facts))
                break
    return Verdict(rule, False, (), tuple(missing))


def evaluate(node: Node, results: Mapping[str, bool | None]) -> bool | None:
    """Kleene three-valued logic over the leaves' results (keyed by leaf path)."""
    if isinstance(node, Comparison):
        return results[node.path]
    if isinstance(node, Not):
        inner = evaluate(node.child, results)
        return None if inner is None else not inner
    values = [evaluate(child, results) for child in node.children]
    decisive = isinstance(node, AnyOf)  # True decides an `any`, False decides an `all`
    if decisive in values:
        return decisive
    return None if None in values else not decisive


def _support(
    node: Node, want: bool, results: Mapping[str, bool | None]
) -> list[tuple[Comparison, bool]]:
    """The leaves (with the value each took) that make `node` evaluate to `want`."""
    if isinstance(node, Comparison):
        return [(node, want)]
    if isinstance(node, Not):
        return _support(node.child, not want, results)
    # A true `all` and a false `any` need every child; otherwise the first child with the
    # wanted value explains the node alone.
    if isinstance(node, AllOf) == want:
        chosen = [c for c in node.children if evaluate(c, results) is want]
    else:
        chosen = [next(c for c in node.children if evaluate(c, results) is want)]
    return [pair for child in chosen for pair in _support(child, want, results)]


def _reason(leaf: Comparison, value: bool, facts: Facts) -> Reason:
    fact = facts.get(leaf.field.name)
    text = describe_fact(leaf.field, fact)
    return Reason(leaf.field.name, describe(leaf, negated=not value), text, fact is not None)
