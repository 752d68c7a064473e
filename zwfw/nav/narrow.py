"""Choosing the next question: the attribute with the highest expected information gain.

Candidates carry weights from retrieval, so a question that splits off unlikely items is worth
less than one that splits the likely ones. An item that says nothing about an attribute stays
in every branch (it fits any answer) and spreads its weight evenly over the options.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from zwfw.nav.attributes import OTHER, Attr

# A candidate wins outright with this share of the remaining weight; tuned with
# bench/nav_simulation.py (lower stops early on the wrong sibling, higher asks needlessly).
WIN_SHARE = 0.6
# ... and this many times the runner-up: 迁出 over 迁入 at 0.62 vs 0.38 is retrieval noise,
# not the user's word, so the question is asked.
WIN_RATIO = 4.0
MIN_GAIN = 0.05  # bits; below this a question is not worth the user's time
MIN_OPTION_SHARE = 0.02  # lighter values are offered only inside 其他
# Natural questions first when gains are close: who and which variant before a list of words.
PREFERENCE = {
    Attr.AUDIENCE: 1.0,
    Attr.VARIANT: 1.0,
    Attr.REGION: 0.95,
    Attr.KEYWORD: 0.7,
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
    """The candidate that clearly wins, if one does: the only one, or one with WIN_SHARE of
    the weight and WIN_RATIO times the runner-up's."""
    if not pool:
        return None
    ranked = sorted(pool, key=lambda c: -c.weight)
    top, total = ranked[0], sum(c.weight for c in pool)
    if len(ranked) == 1:
        return top
    clear = top.weight >= WIN_SHARE * total and top.weight >= WIN_RATIO * ranked[1].weight
    return top if clear else None


def options_for(
    pool: Sequence[Cand], attr: str, max_options: int, label: Callable[[str], str]
) -> tuple[Option, ...]:
    """The attribute's values by weight; beyond `max_options` the lightest merge into 其他."""
    mass: dict[str, float] = {}
    for c in pool:
        values = c.facets.get(attr, frozenset())
        for v in values:
            mass[v] = mass.get(v, 0.0) + c.weight / len(values)
    total = sum(mass.values()) or 1.0
    ranked = sorted(mass, key=lambda v: (v == OTHER, -mass[v], v))
    groups: dict[str, set[str]] = {}
    for i, value in enumerate(ranked):
        fits_in = i < max_options - 1 or len(ranked) <= max_options
        shown = fits_in and mass[value] >= MIN_OPTION_SHARE * total
        name = label(value) if shown and value != OTHER else OTHER
        groups.setdefault(name, set()).add(value)
    options = []
    for name, group in groups.items():
        bare = Option(name, frozenset(group), 0)
        options.append(Option(name, bare.values, len(keep(pool, attr, bare))))
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
        options = options_for(pool, attr, max_options, functools.partial(label, attr))
        if len([o for o in options if o.count]) < 2:
            continue
        if max_label and any(len(o.label) > max_label for o in options):
            continue
        g = gain(pool, attr, options)
        score = g * PREFERENCE[kind_of(attr)]
        if score > best_score:
            best, best_score = Question(attr, options, round(g, 4)), score
    return best
