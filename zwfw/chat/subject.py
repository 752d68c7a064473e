"""What a message is about, for choosing the options of a clarification.

身份证怎么补办 is about 身份证: options that hold it (身份证丢失如何办理登机？) answer the
citizen's question better than entries that are merely close by cosine and share the
action (产权证平面图丢失，怎么补办？). The subject is the message without its field words,
filler, and the words that only say which variant, region or audience; a title holds it
when it has at least half of the subject's character bigrams, or one of the synonyms query
analysis found for it (社保卡 → 社会保障卡).
"""

from __future__ import annotations

from dataclasses import dataclass

from zwfw.chat.confidence import asks_lookup
from zwfw.chat.fields import subject_of
from zwfw.chat.variants import strip_choices
from zwfw.search.query import AnalyzedQuery


@dataclass(frozen=True)
class Subject:
    grams: frozenset[str]  # character bigrams of the subject's words
    synonyms: tuple[str, ...] = ()  # synonym terms of the message's words
    lookup: bool = False  # the message asks to look something up (进度, 查…)

    @classmethod
    def of(cls, q: AnalyzedQuery) -> Subject:
        """The subject of an analysed message (pinyin and typos already rewritten)."""
        words = strip_choices(subject_of(q.text), q.preferences).split()
        grams = frozenset(w[i : i + 2] for w in words for i in range(len(w) - 1))
        synonyms = tuple(s for s in q.expansions if len(s) >= 2)
        return cls(grams, synonyms, asks_lookup(q.text))

    def holds(self, title: str) -> bool:
        """`title` holds the subject: half of its bigrams, or a synonym of its words."""
        if not self.grams:
            return False
        return sum(g in title for g in self.grams) * 2 >= len(self.grams) or self._synonym(title)

    def shares(self, title: str) -> bool:
        """`title` shares anything with the subject: one bigram, or a synonym."""
        return any(g in title for g in self.grams) or self._synonym(title)

    def _synonym(self, title: str) -> bool:
        return any(s in title for s in self.synonyms)
