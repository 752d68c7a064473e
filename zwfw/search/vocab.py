"""The catalogue's own vocabulary, indexed by pinyin and initials, for query understanding.

Typos, homophones from speech recognition, pinyin and initials are all resolved against
words that really occur in the catalogue, so a correction can only lead to something that
exists (设保卡 → 社保卡), never to an arbitrary dictionary word.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from zwfw.core.records import Item, Record
from zwfw.models import Segmenter, initials, joined, normalize

_HAN = range(0x3400, 0xA000)


def _is_han(text: str) -> bool:
    return bool(text) and all(ord(c) in _HAN for c in text)


@dataclass
class Vocabulary:
    df: Counter[str] = field(default_factory=Counter)  # titles containing each word
    by_pinyin: dict[str, list[str]] = field(default_factory=dict)  # huzhao → [护照]
    by_initials: dict[str, list[str]] = field(default_factory=dict)  # hz → [护照, 户主, …]
    bigrams: set[str] = field(default_factory=set)  # every hanzi bigram in any title
    postings: dict[str, set[int]] = field(default_factory=dict)  # word → title numbers

    @classmethod
    def build(
        cls, titles: Iterable[str], segmenter: Segmenter, extra_words: Iterable[str] = ()
    ) -> Vocabulary:
        """From titles (item and app names, keywords, FAQ questions) and extra words
        (synonym terms), which count as seen once."""
        vocab = cls()
        postings: dict[str, set[int]] = defaultdict(set)
        chars: Counter[str] = Counter()
        for number, title in enumerate(titles):
            text = normalize(title)
            vocab.bigrams.update(text[i : i + 2] for i in range(len(text) - 1))
            for word in set(segmenter.search_words(text)):
                if _is_han(word):
                    postings[word].add(number)
            chars.update(c for c in text if ord(c) in _HAN)
        for word in extra_words:
            word = normalize(word)
            if _is_han(word) and word not in postings:
                postings[word] = set()
        vocab.postings = dict(postings)
        vocab.df = Counter({w: max(1, len(ids)) for w, ids in postings.items()})
        vocab._index(chars)
        return vocab

    def _index(self, chars: Counter[str]) -> None:
        by_pinyin: dict[str, list[str]] = defaultdict(list)
        by_initials: dict[str, list[str]] = defaultdict(list)
        for word in self.df:
            by_pinyin[joined(word)].append(word)
            if len(word) >= 2:
                by_initials[initials(word)].append(word)
        rank = self.df.__getitem__
        self.by_pinyin = {k: sorted(v, key=rank, reverse=True) for k, v in by_pinyin.items()}
        self.by_initials = {k: sorted(v, key=rank, reverse=True) for k, v in by_initials.items()}
        # Characters that are never a word of their own still spell pinyin (ruankao → 软考):
        # they go after the real words, most frequent first, as a last resort.
        for char, _ in chars.most_common():
            words = self.by_pinyin.setdefault(joined(char), [])
            if char not in words:
                words.append(char)

    def known(self, text: str) -> bool:
        """True when `text` is a word, or every bigram of it occurs in some title."""
        if text in self.df:
            return True
        return len(text) >= 2 and all(text[i : i + 2] in self.bigrams for i in range(len(text) - 1))

    @classmethod
    def from_records(
        cls, records: Iterable[Record], segmenter: Segmenter, extra_words: Iterable[str] = ()
    ) -> Vocabulary:
        """The vocabulary of the names citizens search for: item names, catalogue names and
        keywords, app names, FAQ questions and policy titles, plus the dictionary words."""
        return cls.build(_titles(records), segmenter, [*segmenter.dictionary_words, *extra_words])

    def cooccurrence(self, word: str, others: Iterable[str]) -> int:
        """Titles in which `word` appears together with any of `others`."""
        mine = self.postings.get(word, set())
        together: set[int] = set()
        for other in others:
            together |= mine & self.postings.get(other, set())
        return len(together)


def _titles(records: Iterable[Record]) -> Iterator[str]:
    for record in records:
        yield record.title
        if isinstance(record, Item):
            if record.catalog_name and record.catalog_name != record.name:
                yield record.catalog_name
            yield from record.keywords
