"""What a search returns: fused candidates, hits as shown to users, and the page around them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from zwfw.core.records import App, Faq, Item, Policy, Record
from zwfw.core.regions import name_of
from zwfw.search.highlight import highlight, snippet
from zwfw.search.query import AnalyzedQuery


class Fallback(StrEnum):
    """Which stage of the zero-result fallback produced the results."""

    NONE = "none"
    RELAXED = "relaxed"
    VECTOR_ONLY = "vector_only"
    SUGGESTIONS = "suggestions"


@dataclass
class Candidate:
    """One fused candidate with the evidence of each retriever (ranks start at 1)."""

    key: str
    record: Record
    fused: float
    lexical_rank: int | None = None
    lexical_score: float = 0.0
    vector_rank: int | None = None
    vector_score: float = 0.0


@dataclass
class SearchHit:
    id: str
    type: str
    title: str
    score: float
    snippet: str
    highlight: dict[str, str]
    department: str
    region: str | None
    url: str | None


@dataclass
class SearchPage:
    query: str
    total: int
    took_ms: float
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    corrected_query: str | None = None
    did_you_mean: str | None = None
    fallback: str = "none"
    suggestions: list[str] = field(default_factory=list)
    hotline: str | None = None


def facets(candidates: list[Candidate]) -> dict[str, dict[str, int]]:
    """Counts per type and department over every candidate, not only the shown page."""
    return {
        "type": dict(Counter(c.record.kind for c in candidates).most_common()),
        "department": dict(
            Counter(c.record.department for c in candidates if c.record.department).most_common(20)
        ),
    }


def body_of(record: Record) -> str:
    if isinstance(record, Item):
        parts = [
            record.conditions,
            "材料：" + "、".join(record.materials) if record.materials else "",
        ]
        return "；".join(p for p in parts if p) or record.department
    if isinstance(record, App):
        return record.description
    if isinstance(record, Faq):
        return record.answer
    return record.summary


def to_hit(c: Candidate, q: AnalyzedQuery) -> SearchHit:
    record, terms = c.record, q.terms
    title = record.title
    body = body_of(record)
    snip = snippet(body, terms)
    region = getattr(record, "region_code", None)
    return SearchHit(
        id=record.id,
        type=record.kind,
        title=title,
        score=round(c.fused, 6),
        snippet=snip,
        highlight={"title": highlight(title, terms), "snippet": highlight(snip, terms)},
        department=record.department,
        region=name_of(region) if region else None,
        url=record.url if not isinstance(record, Policy) else None,
    )
