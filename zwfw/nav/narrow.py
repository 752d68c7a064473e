"""Choosing the next question: the facet with the highest expected information gain.

Candidates carry weights from retrieval, so a question that splits off unlikely items is worth
less than one that splits the likely ones. An item that says nothing about a facet stays in
every branch (it fits any answer) and spreads its weight evenly over the options. Every
question ends with a way out: 其他 (the candidates no shown option names) or, when the shown
options already cover every candidate, 都不是 (keep them all: the question did not help).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zwfw.nav.attributes import OTHER, Attr

WAY_OUT = "都不是"
# A candidate wins outright with this share of the remaining weight and this many times the
# runner-up's: 迁出 over 迁入 at 0.62 vs 0.38 is retrieval noise, not the user's word.
WIN_SHARE = 0.6
WIN_RATIO = 4.0
SHORTLIST_RATIO = WIN_RATIO**2  # no winner: rivals up to 16 × lighter are still listed
MIN_GAIN = 0.1  # bits; below this a question is not worth the user's time
MIN_OPTION_SHARE = 0.02  # lighter values are offered only inside 其他
# Readable labels are checked against the candidates with at least this share of the weight:
# a label written in an item retrieval all but ruled out (0.1 %) misleads nobody.
READABLE_SHARE = 0.01
# Natural questions first when gains are close: which variant and who before which entry of
# the catalogue; themes last, since few people know how a catalogue files their need.
PREFERENCE = {
    Attr.VARIANT: 1.0,
    Attr.AUDIENCE: 1.0,
    Attr.REGION: 0.95,
    Attr.CATALOG: 0.9,
    Attr.SERVICE: 0.95,
    Attr.CASE: 0.7,
    Attr.DEPARTMENT: 0.8,
    Attr.THEME: 0.6,
}


# A facet that only makes sense inside one value of another.
REFINES = {Attr.CASE: Attr.SERVICE}


@dataclass(frozen=True)
class Cand:
    """One remaining candidate: its key, weight (any positive scale) and facet values."""

    key: str
    weight: float
    facets: dict[str, frozenset[str]]
    text: str = ""  # what the citizen reads about the item: name, entry, department, region


@dataclass(frozen=True)
class Option:
    """An answer: the facet values it stands for; the way out 都不是 stands for none."""

    label: str
    values: frozenset[str]
    count: int

    @property
    def keeps_all(self) -> bool:
        return not self.values


@dataclass(frozen=True)
class Question:
    attr: str
    options: tuple[Option, ...]
    gain: float

    @property
    def kind(self) -> Attr:
        return kind_of(self.attr)


def kind_of(attr: str) -> Attr:
    return Attr(attr)


def fits(values: frozenset[str], option: Option) -> bool:
    return option.keeps_all or not values or bool(values & option.values)


def keep(pool: Sequence[Cand], attr: str, option: Option) -> list[Cand]:
    return [c for c in pool if fits(c.facets.get(attr, frozenset()), option)]


def entropy(weights: Sequence[float]) -> float:
    total = sum(weights)
    return -sum(w / total * math.log2(w / total) for w in weights if w > 0) if total else 0.0


def ranked(pool: Sequence[Cand]) -> list[Cand]:
    return sorted(pool, key=lambda c: (-c.weight, c.key))


def winner(pool: Sequence[Cand]) -> Cand | None:
    """The candidate that clearly wins, if one does: the only one, or one with WIN_SHARE of
    the weight and WIN_RATIO times the runner-up's."""
    if not pool:
        return None
    order, total = ranked(pool), sum(c.weight for c in pool)
    if len(order) == 1:
        return order[0]
    top = order[0]
    clear = top.weight >= WIN_SHARE * total and top.weight >= WIN_RATIO * order[1].weight
    return top if clear else None


def shortlist(pool: Sequence[Cand], limit: int) -> list[Cand]:
    """Where a session ends: a clear winner alone; else, rather than one guess, every
    candidate within SHORTLIST_RATIO of the best, at most `limit`."""
    if (top := winner(pool)) is not None:
        return [top]
    order = ranked(pool)
    return [c for c in order if c.weight * SHORTLIST_RATIO >= order[0].weight][:limit]


def options_for(
    pool: Sequence[Cand], attr: str, max_options: int, label: Callable[[str], str]
) -> tuple[Option, ...]:
    """The facet's values by weight, then the way out; values beyond `max_options - 1` (and
    light ones) merge into 其他. A label that contains another comes first (广东省广州市 before
    广东省), so the more specific answer is read first."""
    mass: dict[str, float] = {}
    for c in pool:
        values = c.facets.get(attr, frozenset())
        for v in values:
            mass[v] = mass.get(v, 0.0) + c.weight / len(values)
    total = sum(mass.values()) or 1.0
    # The heaviest candidate's own values first: the likeliest item always gets a named
    # option, however many light siblings share another value.
    top = ranked(pool)[0].facets.get(attr, frozenset()) if pool else frozenset()
    order = sorted(mass, key=lambda v: (v not in top, -mass[v], v))
    shown: dict[str, set[str]] = {}
    for value in order:
        if len(shown) < max_options - 1 and mass[value] >= MIN_OPTION_SHARE * total:
            shown.setdefault(label(value), set()).add(value)
    candidates = [Option(name, frozenset(group), 0) for name, group in shown.items()]
    options = [o for o in candidates if _readable(pool, attr, o, candidates)]
    named = {v for o in options for v in o.values}
    rest = frozenset(mass) - named
    options.append(Option(OTHER, rest, 0) if rest else Option(WAY_OUT, frozenset(), 0))
    counted = [Option(o.label, o.values, len(keep(pool, attr, o))) for o in options]
    if kind_of(attr) in _NAMES:  # whole names: the heaviest first, so "第一个" is the likeliest
        return (*counted[:-1], counted[-1])
    return (*_specific_first(counted[:-1]), counted[-1])


# Facets whose values are whole names of services: offered by weight, not containment.
_NAMES = frozenset({Attr.SERVICE, Attr.CATALOG, Attr.CASE})


def _readable(
    pool: Sequence[Cand], attr: str, option: Option, shown: Sequence[Option] = ()
) -> bool:
    """The label is written in every item the option keeps that has a value for the facet,
    and in nothing it drops: a citizen recognises the option in the item they want (补发 in
    保安员证核发(遗失补发保安员证)), and one who finds 撤销 in their item's catalogue entry
    (对股权出质设立、变更、注销、撤销登记) would pick it, so it is not offered among that entry's
    items. An option that fails answers to 其他 instead; a theme no item names is not asked.

    A label written inside a dropped item's text is still readable when another `shown`
    option, whose label contains this one, keeps that item: 办理往来港澳通行证 beside
    首次办理往来港澳通行证进度查询, each citizen finds their own whole name among the options."""
    kept = {c.key for c in keep(pool, attr, option)}
    if len(kept) == len(pool):  # 自然人 when every item lists it: no answer to ask for
        return False
    floor = READABLE_SHARE * sum(c.weight for c in pool)
    longer = [o for o in shown if o.label != option.label and option.label in o.label]
    covered = {c.key for o in longer for c in keep(pool, attr, o) if o.label in c.text}
    return all(
        (option.label in c.text) == (c.key in kept) or c.key in covered
        for c in pool
        if c.weight >= floor and (c.key not in kept or c.facets.get(attr))
    )


def _specific_first(options: list[Option]) -> list[Option]:
    out: list[Option] = []
    for option in options:
        at = next((i for i, o in enumerate(out) if o.label in option.label), len(out))
        out.insert(at, option)
    return out


def splits(pool: Sequence[Cand], options: Sequence[Option], min_named: int = 2) -> bool:
    """At least `min_named` options are named, and at least two answers keep some but not all
    candidates: an answer always leads somewhere, and the question narrows whatever the
    answer. Elder mode (three options) accepts one named option and 其他: a yes-or-no
    question; with room for six, a single named option is too weak to ask."""
    named = [o for o in options if o.label not in (OTHER, WAY_OUT)]
    narrowing = [o for o in options if 0 < o.count < len(pool)]
    return len(named) >= min_named and len(narrowing) >= 2 and all(o.count for o in named)


def gain(pool: Sequence[Cand], attr: str, options: Sequence[Option]) -> float:
    """Entropy of the pool minus the expected entropy after the user picks an option."""
    total = sum(c.weight for c in pool)
    live = [o for o in options if not o.keeps_all]
    expected = 0.0
    for option in live:
        share = 0.0
        for c in pool:
            values = c.facets.get(attr, frozenset())
            if not values:
                share += c.weight / len(live)
            else:
                share += c.weight * len(values & option.values) / len(values)
        branch = keep(pool, attr, option)
        expected += share / total * entropy([c.weight for c in branch])
    return entropy([c.weight for c in pool]) - expected


MIN_NAMED_SHARE = 0.5  # the named options must hold at least this share of the weight


def _worth_naming(pool: Sequence[Cand], attr: str, options: Sequence[Option]) -> bool:
    """A question is worth asking only when its named options reach the heaviest candidate
    and hold at least MIN_NAMED_SHARE of the weight: otherwise the likeliest answer is 其他
    ("找哪个部门？ [司法厅, 其他]" when 司法厅 holds a sliver) and the shortlist serves better."""
    named = [o for o in options if o.label not in (OTHER, WAY_OUT)]
    reached = {c.key for o in named for c in keep(pool, attr, o)}
    total = sum(c.weight for c in pool) or 1.0
    heaviest = ranked(pool)[0]
    share = sum(c.weight for c in pool if c.key in reached) / total
    return heaviest.key in reached and share >= MIN_NAMED_SHARE


def _settled(pool: Sequence[Cand], parent: Attr | None, attr: str) -> bool:
    """A refining facet is asked within one parent value: the case once the service is known
    (持军警驾驶证申领, then which 军警 case), not five cases of one service among 37 items."""
    if parent is None:
        return True
    holders = [c for c in pool if c.facets.get(attr)]
    return len({v for c in holders for v in c.facets.get(parent.value, frozenset())}) <= 1


def _partition(
    pool: Sequence[Cand], attr: str, max_options: int, label: Callable[[str, str], str]
) -> frozenset[frozenset[str]]:
    options = options_for(pool, attr, max_options, functools.partial(label, attr))
    return frozenset(frozenset(c.key for c in keep(pool, attr, o)) for o in options)


def best_question(
    pool: Sequence[Cand],
    asked: set[str],
    max_options: int,
    label: Callable[[str, str], str],
    max_label: int | None = None,
) -> Question | None:
    """The most informative question not yet asked, or None when none is worth asking.

    `max_label` (elder mode) skips facets whose option labels are too long to say aloud.
    """
    attrs = sorted({a for c in pool for a in c.facets} - asked)
    # A facet that splits the candidates exactly as an asked one would (catalogue entry and
    # service often coincide) is the same question in other words: not asked again.
    seen = {_partition(pool, a, max_options, label) for a in asked}
    best: Question | None = None
    best_score = MIN_GAIN
    for attr in attrs:
        if not _settled(pool, REFINES.get(kind_of(attr)), attr):
            continue
        options = options_for(pool, attr, max_options, functools.partial(label, attr))
        if not splits(pool, options, 1 if max_options <= 3 else 2):
            continue
        if _partition(pool, attr, max_options, label) in seen:
            continue
        if max_label and any(len(o.label) > max_label for o in options):
            continue
        if not _worth_naming(pool, attr, options):
            continue
        g = gain(pool, attr, options)
        score = g * PREFERENCE[kind_of(attr)]
        if score > best_score:
            best, best_score = Question(attr, options, round(g, 4)), score
    return best
