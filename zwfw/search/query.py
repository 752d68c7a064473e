"""Query analysis: from raw user text to the terms each index field is searched with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwfw.models import Segmenter, char_grams, normalize
from zwfw.models.normalize import strip_filler
from zwfw.models.segment import STOPWORDS
from zwfw.search.lexical import Clause, LexicalQuery
from zwfw.search.preferences import Preferences, detect
from zwfw.search.synonyms import SynonymSet
from zwfw.search.understand import Understanding, understand
from zwfw.search.vocab import Vocabulary

_LATIN = re.compile(r"[a-z0-9]+")

# Field weights, relative: a title match counts most; body text (department, themes,
# descriptions) only breaks ties; pinyin/initials fields catch romanised input.
TITLE_GRAMS, TITLE_WORDS, BODY_GRAMS, PINYIN, INITIALS = 1.0, 1.5, 0.25, 1.0, 0.6
# Synonym expansions count less than the words the user typed.
SYNONYM, SYNONYM_GRAMS, REGION = 0.8, 0.3, 1.0


@dataclass(frozen=True)
class AnalyzedQuery:
    raw: str
    text: str  # normalised, with pinyin, initials and confident typo fixes rewritten
    words: tuple[str, ...]  # meaningful words, stopwords removed
    grams: tuple[str, ...]
    latin: tuple[str, ...]  # romanised tokens as typed, for the pinyin fields
    corrected_query: str | None = None  # set when a typo correction was applied
    did_you_mean: str | None = None  # set when a correction is only suggested
    expansions: tuple[str, ...] = ()  # synonym terms found for the query's words
    preferences: Preferences = field(default_factory=Preferences)

    @property
    def terms(self) -> tuple[str, ...]:
        """Terms worth highlighting: words, and hanzi bigrams for partial matches."""
        return self.words + tuple(g for g in self.grams if len(g) >= 2)

    @property
    def dense_text(self) -> str:
        """What the sentence encoder sees: the normalised query, filler kept (e5 copes)."""
        return self.text


def analyze_query(
    raw: str,
    segmenter: Segmenter,
    vocab: Vocabulary | None = None,
    synonyms: SynonymSet | None = None,
    correct: bool = True,
) -> AnalyzedQuery:
    """Normalise, rewrite pinyin/initials/typos against `vocab`, strip filler, segment, and
    expand with `synonyms` (applied here, at query time, so an edit needs no reindex)."""
    typed = normalize(raw)
    understood = understand(typed, vocab, correct) if vocab else Understanding(typed)
    text = understood.text
    prefs = detect(text)
    # A region named in the query is a preference (see search.preferences), not a term: as a
    # term it pulled every item of that city's departments above the service asked for.
    core = strip_filler(
        text.replace(prefs.region_words, " ") if prefs.region_words else text, segmenter.tokens
    )
    expansions = _expand(core, synonyms) if synonyms else ()
    return AnalyzedQuery(
        raw=raw,
        text=text,
        words=tuple(segmenter.words(core)),
        # Grams of the whole text: bigrams that span words (办理, 怎么办) matched FAQ questions
        # better on the dev set than grams of the stopword-free words (0.84 vs 0.78).
        grams=tuple(char_grams(core)),
        latin=tuple(_LATIN.findall(typed)),
        corrected_query=text if understood.corrected else None,
        did_you_mean=understood.suggestion(typed),
        expansions=expansions,
        preferences=prefs,
    )


def _expand(text: str, synonyms: SynonymSet) -> tuple[str, ...]:
    found: list[str] = []
    for _, term in synonyms.scan(text):
        found.extend(t for t in synonyms.expand(term) if t not in text)
    return tuple(dict.fromkeys(found))


def lexical_query(
    q: AnalyzedQuery,
    filters: dict[str, list[str]],
    limit: int,
    relaxed: bool = False,
    titles_only: bool = False,
) -> LexicalQuery:
    """A match needs a shared word, bigram or pinyin token; single shared characters only
    add score, unless `relaxed` (the first fallback when nothing matched). `titles_only`
    leaves out the body clauses, for callers that only read the hits' titles: on a large
    catalogue the body's postings are most of a search's cost."""
    # Single characters and function-word bigrams (怎么, 可以) score but never make a match.
    bigrams = tuple(g for g in q.grams if (len(g) > 1 or not _is_han(g)) and g not in STOPWORDS)
    singles = tuple(g for g in q.grams if (len(g) == 1 and _is_han(g)) or g in STOPWORDS)
    clauses = (
        Clause("title_grams", bigrams, TITLE_GRAMS),
        Clause("title_grams", singles, TITLE_GRAMS, required=relaxed),
        Clause("title_words", q.words, TITLE_WORDS),
        Clause("body_grams", bigrams, BODY_GRAMS),
        Clause("body_grams", singles, BODY_GRAMS, required=relaxed),
        Clause("title_words", q.expansions, SYNONYM),
        Clause("title_grams", _expansion_grams(q.expansions), SYNONYM_GRAMS),
        # The region named in the query scores in titles only (广州市户籍居民…), never alone.
        Clause("title_grams", _expansion_grams((q.preferences.region_words,)), REGION, False),
        Clause("title_pinyin", q.latin, PINYIN),
        Clause("title_initials", q.latin, INITIALS),
    )
    kept = tuple(c for c in clauses if c.terms and not (titles_only and c.field == "body_grams"))
    return LexicalQuery(clauses=kept, filters=filters, limit=limit)


def _expansion_grams(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(g for t in terms for g in char_grams(t) if len(g) > 1))


def _is_han(text: str) -> bool:
    return "\u3400" <= text <= "\u9fff"
