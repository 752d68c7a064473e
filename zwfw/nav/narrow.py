"""Choosing the next question: the attribute with the highest expected information gain.

Candidates carry weights from retrieval, so a question that splits off unlikely items is worth
less than one that splits the likely ones. An item that says nothing about an attribute stays
in every branch (it fits any answer) and spreads its weight evenly over the options.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from zwfw.nav.attributes import OTHER, Attr

# A candidate wins outright with this share of the remaining weight; tuned with
# bench/nav_simulation.py (lower stops early on the wrong sibling, higher asks needlessly).
WIN_SHARE = 0.6
MIN_GAIN = 0.05  # bits; below this a question is not worth the user's time
# Natural questions first when gains are close: who and which variant before a list of words.
PREFERENCE = {
    Attr.AUDIENCE: 1.0,
    Attr.VARIANT: 1.0,
    Attr.REGION: 0.95,
    Attr.KEYWORD: 0.85,
    Attr.THEME: 0.8,
    Attr.DEPARTMENT: 0.75,
}


@dataclass(frozen=True)
class Cand:
    """One remaining candidate: its key, weight (any positive scale) and attribute values."""

    key: str
    weight: float
    facets: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Option:
    label: str
    values: frozenset[str]
    count: int


@dataclass(frozen=True)
class Question:
    attr: str
    options: tuple[Option, ...]
    gain: float

    @property
    def kind(self) -> Attr:
        return kind_of(self.attr)


def kind_of(attr: str) -> Attr:
    """keyword:<seed> attributes are all of kind KEYWORD."""
    return Attr(attr.split(":", 1)[0])


def fits(values: frozenset[str], option: Option) -> bool:
    return not values or bool(values & option.values)


def keep(pool: Sequence[Cand], attr: str, option: Option) -> list[Cand]:
    return [c for c in pool if fits(c.facets.get(attr, frozenset()), option)]


def entropy(weights: Sequence[float]) -> float:
    total = sum(weights)
    return -sum(w / total * math.log2(w / total) for w in weights if w > 0) if total else 0.0


def winner(pool: Sequence[Cand]) -> Cand | None:
    """The candidate that clearly wins, if one does (the only one, or WIN_SHARE of weight)."""
    if not pool:
        return None
    top = max(pool, key=lambda c: c.weight)
    total = sum(c.weight for c in pool)
    return top if len(pool) == 1 or top.weight >= WIN_SHARE * total else None


def options_for(
    pool: Sequence[Cand], attr: str, max_options: int, label: Callable[[str], str]
) -> tuple[Option, ...]:
    """The attribute's values by weight; beyond `max_options` the lightest merge into 其他."""
    mass: dict[str, float] = {}
    for c in pool:
        values = c.facets.get(attr, frozenset())
        for v in values:
            mass[v] = mass.get(v, 0.0) + c.weight / len(values)
    ranked = sorted(mass, key=lambda v: (v == OTHER, -mass[v], v))
    groups: dict[str, set[str]] = {}
    for i, value in enumerate(ranked):
        shown = i < max_options - 1 or len(ranked) <= max_options
        name = label(value) if shown and value != OTHER else OTHER
        groups.setdefault(name, set()).add(value)
    options = []
    for name, values in groups.items():
        option = Option(name, frozenset(values), 0)
        options.append(Option(name, option.values, len(keep(pool, attr, option))))
    return tuple(sorted(options, key=lambda o: o.label == OTHER))


def gain(pool: Sequence[Cand], attr: str, options: Sequence[Option]) -> float:
    """Entropy of the pool minus the expected entropy after the user picks an option."""
    total = sum(c.weight for c in pool)
    expected = 0.0
    for option in options:
        share = 0.0
        for c in pool:
            values = c.facets.get(attr, frozenset())
            if not values:
                share += c.weight / len(options)
            else:
                share += c.weight * len(values & option.values) / len(values)
        branch = keep(pool, attr, option)
        expected += share / total * entropy([c.weight for c in branch])
    return entropy([c.weight for c in pool]) - expected


def best_question(
    pool: Sequence[Cand],
    asked: set[str],
    max_options: int,
    label: Callable[[str, str], str],
    max_label: int | None = None,
) -> Question | None:
    """The most informative question not yet asked, or None when none is worth asking.

    `max_label` (elder mode) skips attributes whose option labels are too long to say aloud.
    """
    attrs = sorted({a for c in pool for a in c.facets} - asked)
    best: Question | None = None
    best_score = MIN_GAIN
    for attr in attrs:
        options = options_for(pool, attr, max_options, lambda v, a=attr: label(a, v))
        if len([o for o in options if o.count]) < 2:
            continue
        if max_label and any(len(o.label) > max_label for o in options):
            continue
        g = gain(pool, attr, options)
        score = g * PREFERENCE[kind_of(attr)]
        if score > best_score:
            best, best_score = Question(attr, options, round(g, 4)), score
    return best
