"""Query analysis: from raw user text to the terms each index field is searched with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwfw.models import Segmenter, char_grams, normalize
from zwfw.search.lexical import Clause, LexicalQuery
from zwfw.search.understand import Understanding, understand
from zwfw.search.vocab import Vocabulary

_LATIN = re.compile(r"[a-z0-9]+")

# Field weights, relative: a title match counts most; body text (department, themes,
# descriptions) only breaks ties; pinyin/initials fields catch romanised input.
TITLE_GRAMS, TITLE_WORDS, BODY_GRAMS, PINYIN, INITIALS = 1.0, 1.5, 0.25, 1.0, 0.6


@dataclass(frozen=True)
class AnalyzedQuery:
    raw: str
    text: str  # normalised, with pinyin, initials and confident typo fixes rewritten
    words: tuple[str, ...]  # meaningful words, stopwords removed
    grams: tuple[str, ...]
    latin: tuple[str, ...]  # romanised tokens as typed, for the pinyin fields
    corrected_query: str | None = None  # set when a typo correction was applied
    did_you_mean: str | None = None  # set when a correction is only suggested

    @property
    def terms(self) -> tuple[str, ...]:
        """Terms worth highlighting: words, and hanzi bigrams for partial matches."""
        return self.words + tuple(g for g in self.grams if len(g) >= 2)

    @property
    def dense_text(self) -> str:
        """What the sentence encoder sees: the normalised query, filler kept (e5 copes)."""
        return self.text


def analyze_query(raw: str, segmenter: Segmenter, vocab: Vocabulary | None = None) -> AnalyzedQuery:
    typed = normalize(raw)
    understood = understand(typed, vocab) if vocab else Understanding(typed)
    text = understood.text
    words = tuple(segmenter.words(text))
    # Grams of the whole text, filler included: bigrams that span words (办理, 怎么办) matched
    # FAQ questions better on the dev set than grams of the stopword-free words (0.84 vs 0.78).
    grams = tuple(char_grams(text))
    return AnalyzedQuery(
        raw=raw,
        text=text,
        words=words,
        grams=grams,
        latin=tuple(_LATIN.findall(typed)),
        corrected_query=text if understood.corrected else None,
        did_you_mean=understood.suggestion(typed),
    )


def lexical_query(q: AnalyzedQuery, filters: dict[str, list[str]], limit: int) -> LexicalQuery:
    clauses = (
        Clause("title_grams", q.grams, TITLE_GRAMS),
        Clause("title_words", q.words, TITLE_WORDS),
        Clause("body_grams", q.grams, BODY_GRAMS),
        Clause("title_pinyin", q.latin, PINYIN),
        Clause("title_initials", q.latin, INITIALS),
    )
    return LexicalQuery(clauses=tuple(c for c in clauses if c.terms), filters=filters, limit=limit)
