"""Synonym rules, their validation and the immutable snapshot that search expands with.

Kept free of storage so the query side depends only on `SynonymSet`, and the shipped
lexicon and administrator edits pass through the same `validate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Literal, cast

from zwfw.core.errors import InvalidRecord, SourceError
from zwfw.models import normalize

RuleKind = Literal["equivalent", "oneway"]
KINDS: tuple[RuleKind, ...] = ("equivalent", "oneway")
# Longer "terms" are phrases or sentences: they never match a query as a unit and only
# bloat the longest-match scan on the query side.
MAX_TERM_CHARS = 20
# A group this large is a topic, not a set of synonyms: it would flood recall.
MAX_TERMS = 20
SHIPPED_LEXICON = Path(__file__).resolve().parents[2] / "models" / "data" / "synonyms.jsonl"


@dataclass(frozen=True)
class SynonymRule:
    """One rule. `equivalent`: every term stands for every other. `oneway`: `terms[0]` (the
    source) expands to `terms[1:]` (the targets), never back.

    `id`, `updated_at` and `updated_by` are set once the rule is stored; they take no part
    in equality, so a stored rule equals the rule it was made from.
    """

    id: int | None
    kind: RuleKind
    terms: tuple[str, ...]
    updated_at: datetime | None = field(default=None, compare=False)
    updated_by: str | None = field(default=None, compare=False)

    @classmethod
    def equivalent(cls, *terms: str) -> SynonymRule:
        return cls(id=None, kind="equivalent", terms=terms)

    @classmethod
    def oneway(cls, source: str, *targets: str) -> SynonymRule:
        return cls(id=None, kind="oneway", terms=(source, *targets))

    @property
    def source(self) -> str | None:
        """The term a oneway rule expands from; None for an equivalent rule."""
        return self.terms[0] if self.kind == "oneway" and self.terms else None

    @property
    def targets(self) -> tuple[str, ...]:
        return self.terms[1:] if self.kind == "oneway" else ()

    def body(self) -> dict[str, object]:
        """The rule's content as JSON-ready data (what history records before and after)."""
        return {"kind": self.kind, "terms": list(self.terms)}


class SynonymSet:
    """An immutable snapshot of the rules in force, built once per change and shared by every
    query until the next change.

    Expansion is one step only: with 孩子上学 → 入学 and 入学 → 义务教育, 孩子上学 expands to
    入学 alone. Chaining would drift from the user's words and cost precision.
    Terms are looked up as given: callers pass normalised text (`zwfw.models.normalize`),
    which the query side has already produced.
    """

    __slots__ = ("_expansions", "_longest", "_version")

    def __init__(self, rules: Iterable[SynonymRule] = (), version: int = 0) -> None:
        found: dict[str, dict[str, None]] = {}  # dicts as ordered sets: order is rule order
        for rule in rules:
            if rule.kind == "equivalent":
                for term in rule.terms:
                    found.setdefault(term, {}).update(dict.fromkeys(rule.terms))
            else:
                found.setdefault(rule.terms[0], {}).update(dict.fromkeys(rule.targets))
        expansions = {t: tuple(o for o in b if o != t) for t, b in found.items()}
        self._expansions: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {t: e for t, e in expansions.items() if e}
        )
        self._longest = max(map(len, self._expansions), default=0)
        self._version = version

    @property
    def version(self) -> int:
        """The store's global version when this snapshot was built; grows on every edit."""
        return self._version

    @property
    def longest_source(self) -> int:
        """Characters in the longest source term: the window a longest-match scan needs."""
        return self._longest

    def __len__(self) -> int:
        return len(self._expansions)

    def expand(self, term: str) -> tuple[str, ...]:
        """The term's synonyms, never the term itself; () for a term without any."""
        return self._expansions.get(term, ())

    def source_terms(self) -> frozenset[str]:
        """Every term that has an expansion."""
        return frozenset(self._expansions)

    def scan(self, text: str) -> tuple[tuple[int, str], ...]:
        """(offset, term) of source terms in normalised `text`, left to right, longest match
        first and without overlaps: 临时身份证 is found as itself, not as 身份证."""
        found: list[tuple[int, str]] = []
        i = 0
        while i < len(text):
            for size in range(min(self._longest, len(text) - i), 0, -1):
                if text[i : i + size] in self._expansions:
                    found.append((i, text[i : i + size]))
                    i += size
                    break
            else:
                i += 1
        return tuple(found)


def validate(rule: SynonymRule, existing: Iterable[SynonymRule]) -> SynonymRule:
    """The rule with its terms normalised, or `InvalidRecord` saying what is wrong.

    `existing` are the rules already in force; a rule with the same `id` is the one being
    replaced and is ignored. Normalising first makes 駕照 and 驾照 one term.
    """
    if rule.kind not in KINDS:
        raise InvalidRecord(f"kind must be one of {', '.join(KINDS)}, not {rule.kind!r}")
    terms = _normalised_terms(rule)
    clean = replace(rule, terms=terms)
    others = [r for r in existing if rule.id is None or r.id != rule.id]
    for other in others:
        if other.kind == clean.kind and _same_content(other, clean):
            raise InvalidRecord(f"the same rule already exists (id {other.id})")
    if clean.kind == "oneway":
        _check_cycle(clean, others)
    return clean


def _normalised_terms(rule: SynonymRule) -> tuple[str, ...]:
    if not rule.terms:
        raise InvalidRecord("terms must not be empty")
    if len(rule.terms) > MAX_TERMS:
        raise InvalidRecord(f"a rule has at most {MAX_TERMS} terms, this one has {len(rule.terms)}")
    seen: dict[str, str] = {}
    for raw in rule.terms:
        term = normalize(raw)
        if not term:
            raise InvalidRecord("a term is empty")
        if len(term) > MAX_TERM_CHARS:
            raise InvalidRecord(
                f"term {term!r} has {len(term)} characters, the limit is {MAX_TERM_CHARS}"
            )
        if term in seen:
            raise InvalidRecord(_repeat_message(rule, term, raw, seen[term]))
        seen[term] = raw
    if len(seen) < 2:
        raise InvalidRecord("a rule needs at least two different terms")
    return tuple(seen)


def _repeat_message(rule: SynonymRule, term: str, raw: str, first: str) -> str:
    same = f" ({raw!r} and {first!r} are the same after normalisation)" if raw != first else ""
    if rule.kind == "oneway" and normalize(rule.terms[0]) == term:
        return f"{term!r} maps to itself{same}"
    return f"duplicate term {term!r}{same}"


def _same_content(a: SynonymRule, b: SynonymRule) -> bool:
    if a.kind == "oneway":
        return a.terms[0] == b.terms[0] and set(a.terms[1:]) == set(b.terms[1:])
    return set(a.terms) == set(b.terms)


def _check_cycle(rule: SynonymRule, others: Iterable[SynonymRule]) -> None:
    """Reject a oneway rule whose targets lead back to its source through existing rules:
    such a loop silently turns one-way rules into an equivalence."""
    graph: dict[str, list[str]] = {}
    for other in others:
        if other.kind == "oneway":
            graph.setdefault(other.terms[0], []).extend(other.terms[1:])
    source = rule.terms[0]
    for target in rule.targets:
        path = _path(graph, target, source)
        if path is not None:
            raise InvalidRecord("oneway rules would form a cycle: " + " → ".join([source, *path]))


def _path(graph: Mapping[str, list[str]], start: str, goal: str) -> list[str] | None:
    """The shortest path start … goal along oneway edges (breadth first), or None."""
    parents: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        next_frontier: list[str] = []
        for node in frontier:
            if node == goal:
                path = [node]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return path[::-1]
            for child in graph.get(node, ()):
                if child not in parents:
                    parents[child] = node
                    next_frontier.append(child)
        frontier = next_frontier
    return None


def load_lexicon(path: Path) -> list[SynonymRule]:
    """Validated rules of a JSONL lexicon (format in docs/synonyms.md), in file order.

    Any bad line fails the whole load with `SourceError` naming the line: the shipped
    lexicon is reviewed data, so a bad line is a bug to fix, not a record to skip.
    """
    rules: list[SynonymRule] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SourceError(f"cannot read synonym lexicon {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rules.append(validate(_parse(line), rules))
        except (InvalidRecord, ValueError) as exc:
            reason = exc.message if isinstance(exc, InvalidRecord) else str(exc)
            raise SourceError(f"{path}:{number}: {reason}") from None
    return rules


def _parse(line: str) -> SynonymRule:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    kind = data.get("kind")
    if kind == "equivalent":
        terms = data.get("terms")
    elif kind == "oneway":
        targets = data.get("to")
        terms = [data.get("from"), *targets] if isinstance(targets, list) else None
    else:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise ValueError("terms must be a list of strings")
    return SynonymRule(id=None, kind=cast(RuleKind, kind), terms=tuple(terms))
