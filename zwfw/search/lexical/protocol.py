"""The lexical-backend contract: the embedded engine and Elasticsearch both implement it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from zwfw.search.fields import IndexDoc


@dataclass(frozen=True)
class Clause:
    """Any of `terms` in `field` may match; matches add BM25 score times `boost`.

    A document must match at least one `required` clause; optional clauses only add score
    (single characters score, but a shared character alone is not a match).
    """

    field: str
    terms: tuple[str, ...]
    boost: float = 1.0
    required: bool = True


@dataclass(frozen=True)
class LexicalQuery:
    """Backend-neutral query: scored clauses plus filters (OR within a field, AND across)."""

    clauses: tuple[Clause, ...]
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    limit: int = 100


@dataclass(frozen=True)
class LexicalHit:
    key: str
    score: float


class LexicalIndex(Protocol):
    """A keyword index of IndexDocs; writes become visible to search after `commit()`."""

    def upsert(self, docs: Sequence[IndexDoc]) -> None: ...

    def delete(self, keys: Sequence[str]) -> None: ...

    def commit(self) -> None: ...

    def search(self, query: LexicalQuery) -> list[LexicalHit]: ...

    def count(self) -> int: ...

    def publish(self) -> None:
        """Make this build the one clients of the engine's serving name see (an ES alias);
        called just before `CURRENT` switches. Engines without such a name do nothing."""
        ...

    def close(self) -> None: ...
