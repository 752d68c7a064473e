"""Highlighted titles and snippets: query terms wrapped in <em>, computed on our own tokens
(tantivy's offsets would point into the space-joined token text, not the original)."""

from __future__ import annotations

from collections.abc import Iterable

from zwfw.models import normalize

OPEN, CLOSE = "<em>", "</em>"


def _marks(text: str, terms: Iterable[str]) -> list[bool]:
    normalized = normalize(text)
    folded = normalized if len(normalized) == len(text) else text.lower()
    marked = [False] * len(text)
    for term in terms:
        start = folded.find(term)
        while term and start >= 0:
            for i in range(start, start + len(term)):
                marked[i] = True
            start = folded.find(term, start + len(term))
    return marked


def highlight(text: str, terms: Iterable[str]) -> str:
    """`text` with every occurrence of a term wrapped; adjacent matches merge into one tag."""
    marked = _marks(text, terms)
    out: list[str] = []
    for i, ch in enumerate(text):
        if marked[i] and (i == 0 or not marked[i - 1]):
            out.append(OPEN)
        out.append(ch)
        if marked[i] and (i == len(text) - 1 or not marked[i + 1]):
            out.append(CLOSE)
    return "".join(out)


def snippet(text: str, terms: Iterable[str], width: int = 80) -> str:
    """A window of about `width` characters around the first match (or the start)."""
    terms = [t for t in terms if t]
    marked = _marks(text, terms)
    first = marked.index(True) if True in marked else 0
    start = max(0, first - width // 4)
    window = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + window + suffix
