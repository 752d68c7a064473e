"""What a message is about, for choosing the options of a clarification.

身份证怎么补办 is about 身份证: options that hold it (身份证丢失如何办理登机？) answer the
citizen's question better than entries that are merely close by cosine and share the
action (产权证平面图丢失，怎么补办？). The subject is the message without its field words,
filler, and the words that only say which variant, region or audience; its words are query
analysis's segmented words within it. A title holds the subject when it has at least half
of the subject's character bigrams, a synonym query analysis found counting for the word it
stands for (社会保障卡 holds 社保卡's bigrams, 居民身份证 only 身份证号's, not a whole
sentence about 公积金 that mentions an ID number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwfw.chat.confidence import asks_lookup
from zwfw.chat.fields import subject_of
from zwfw.chat.variants import strip_choices
from zwfw.qa.features import grams as _bigrams
from zwfw.search.query import AnalyzedQuery

_MIN_SHARED = 2  # characters a synonym shares with the word it stands for
# Words every service name uses: they name no subject (办理往来港澳通行证 does not hold
# 护照办理's subject by its 办理).
_GENERIC = re.compile("(?:办理|办|申请|申领|申办|查询|咨询|服务|业务|手续|流程|事项)+")


@dataclass(frozen=True)
class Subject:
    grams: frozenset[str]  # character bigrams of the subject's words
    # Synonym terms of the message's words, each with the bigrams of the word it stands for.
    synonyms: tuple[tuple[str, frozenset[str]], ...] = ()
    lookup: bool = False  # the message asks to look something up (进度, 查…)

    @classmethod
    def of(cls, q: AnalyzedQuery) -> Subject:
        """The subject of an analysed message (pinyin and typos already rewritten)."""
        said = strip_choices(subject_of(q.text), q.preferences)
        words = [w for w in q.words if w in said and not _GENERIC.fullmatch(w)]
        words = words or [w for w in said.split() if not _GENERIC.fullmatch(w)]
        grams = frozenset().union(*(_bigrams(w) for w in words))
        synonyms = []
        for term in q.expansions:
            shared, word = max(((len(set(w) & set(term)), w) for w in words), default=(0, ""))
            if len(term) >= 2 and shared >= _MIN_SHARED:
                synonyms.append((term, frozenset(_bigrams(word)) & grams))
        return cls(grams, tuple(synonyms), asks_lookup(q.text))

    def holds(self, title: str) -> bool:
        """`title` holds at least half of the subject's bigrams, a synonym standing in for
        the bigrams of its word."""
        if not self.grams:
            return False
        held = {g for g in self.grams if g in title}
        for term, stands_for in self.synonyms:
            if term in title:
                held |= stands_for
        return len(held) * 2 >= len(self.grams)

    def shares(self, title: str) -> bool:
        """`title` shares anything with the subject: one bigram, or a synonym."""
        return any(g in title for g in self.grams) or any(t in title for t, _ in self.synonyms)
