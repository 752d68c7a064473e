"""Synonym rules: the shipped lexicon, administrator edits in SQLite, and the snapshot that
query expansion reads on every search."""

from zwfw.search.synonyms.lexicon import (
    MAX_TERM_CHARS,
    MAX_TERMS,
    SHIPPED_LEXICON,
    RuleKind,
    SynonymRule,
    SynonymSet,
    load_lexicon,
    validate,
)
from zwfw.search.synonyms.store import SynonymChange, SynonymPage, SynonymStore

__all__ = [
    "MAX_TERMS",
    "MAX_TERM_CHARS",
    "SHIPPED_LEXICON",
    "RuleKind",
    "SynonymChange",
    "SynonymPage",
    "SynonymRule",
    "SynonymSet",
    "SynonymStore",
    "load_lexicon",
    "validate",
]
