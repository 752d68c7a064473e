"""Example chips for the greeting (the citizen page's welcome panel and the assistant's reply
to 你好): texts that resolve on the catalogue being served, not fixed demo questions that a
provincial catalogue without 社保卡 cannot answer.

In order, up to three:
1. what people search most (the query log's frequent queries, `services._popular`) when the
   search finds something for it without falling back to a relaxed or vector-only match;
2. the national high-frequency citizen services (`personal.recommend.HIGH_FREQUENCY`) that
   the catalogue holds under that catalogue or item name;
3. the catalogue's own citizen services: catalogue names of items aimed at persons only, the
   ones with the most variants first (a service split into many situations is a common one),
   short enough for a chip.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from zwfw.core.records import Item
from zwfw.models.normalize import normalize
from zwfw.personal.recommend import HIGH_FREQUENCY
from zwfw.runtime import Runtime
from zwfw.search.filters import SearchFilters

EXAMPLES = 3
MAX_CHARS = 10  # a chip, not a paragraph: longer names wrap on a phone
PERSON = frozenset({"自然人", "个人"})
REFRESH_SECONDS = 600  # frequent queries move slowly; a reload recomputes at once
TRIED = 20  # frequent queries searched at most, so a log full of misses stays cheap


def catalogue_examples(items: Iterable[Item], k: int = EXAMPLES) -> list[str]:
    """Steps 2 and 3 of the module docstring: names the catalogue holds, up to `k`."""
    names: set[str] = set()
    variants: Counter[str] = Counter()
    for item in items:
        names.update(normalize(n) for n in (item.name, item.catalog_name) if n)
        if item.audiences and set(item.audiences) <= PERSON:
            variants[item.catalog_name or item.name] += 1
    out = [n for n in HIGH_FREQUENCY["person"] if normalize(n) in names][:k]
    ranked = sorted(variants.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    for name, _ in ranked:
        if len(out) >= k:
            break
        if len(name) <= MAX_CHARS and name not in out:
            out.append(name)
    return out


def greeting_examples(
    catalogue: Sequence[str],
    popular: Sequence[str],
    resolves: Callable[[str], bool],
    k: int = EXAMPLES,
) -> list[str]:
    """Up to `k` texts: frequent queries for which `resolves` (the search finds something),
    then `catalogue` (from `catalogue_examples`, which resolves by construction)."""
    out: list[str] = []
    for query in popular[:TRIED]:
        if len(out) >= k:
            return out
        fresh = len(query) <= MAX_CHARS and normalize(query) not in map(normalize, out)
        if fresh and resolves(query):  # searched last: it costs a search
            out.append(query)
    for name in catalogue:
        if len(out) >= k:
            break
        if normalize(name) not in map(normalize, out):
            out.append(name)
    return out


def examples_for(runtime: Runtime, catalogue: Sequence[str]) -> list[str]:
    """The examples for a runtime: its frequent queries (when the query log is connected)
    that the search answers without a fallback, then `catalogue`."""
    popular = runtime.popular_queries() if runtime.popular_queries else ()

    def resolves(query: str) -> bool:
        page = runtime.search.search(query, SearchFilters(), size=1)
        return page.total > 0 and page.fallback == "none"

    return greeting_examples(catalogue, popular, resolves)


def items_of(runtime: Runtime) -> Iterator[Item]:
    return (r for r in runtime.index.docs.iter_kind("item") if isinstance(r, Item))


class ExamplesCache:
    """The examples of the serving build: the catalogue's part once per build (a docstore
    pass), the whole again after a reload or every ten minutes (new frequent queries).
    Thread-safe, computed on first use."""

    def __init__(self) -> None:
        self._build: str | None = None
        self._catalogue: list[str] = []
        self._key: tuple[str, int] | None = None
        self._value: list[str] = []
        self._lock = threading.Lock()

    def get(self, runtime: Runtime) -> list[str]:
        build = str(runtime.index.build)
        key = (build, int(time.time() // REFRESH_SECONDS))
        with self._lock:
            if self._build != build:
                self._catalogue, self._build = catalogue_examples(items_of(runtime)), build
            if self._key != key:
                self._value, self._key = examples_for(runtime, self._catalogue), key
            return list(self._value)
