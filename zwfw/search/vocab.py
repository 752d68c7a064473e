"""The catalogue's own vocabulary, indexed by pinyin and initials, for query understanding.

Typos, homophones from speech recognition, pinyin and initials are all resolved against
words that really occur in the catalogue, so a correction can only lead to something that
exists (设保卡 → 社保卡), never to an arbitrary dictionary word.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz.distance import Levenshtein

from zwfw.core.records import Item, Record
from zwfw.models import Segmenter, normalize
from zwfw.models.pinyin import syllables

_HAN = range(0x3400, 0xA000)
_NONE = np.zeros(0, np.int32)  # the postings of a word seen in no title
_NONE.flags.writeable = False


def _is_han(text: str) -> bool:
    return bool(text) and all(ord(c) in _HAN for c in text)


@dataclass
class Vocabulary:
    df: Counter[str] = field(default_factory=Counter)  # titles containing each word
    by_pinyin: dict[str, list[str]] = field(default_factory=dict)  # huzhao → [护照]
    by_initials: dict[str, list[str]] = field(default_factory=dict)  # hz → [护照, 户主, …]
    bigrams: set[str] = field(default_factory=set)  # every hanzi bigram in any title
    # word → sorted title numbers (int32; views of the build's mapped file when stored)
    postings: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        titles: Iterable[str],
        segmenter: Segmenter,
        extra_words: Iterable[str] = (),
        readings: Mapping[str, Sequence[str]] | None = None,
    ) -> Vocabulary:
        """From titles (item and app names, keywords, FAQ questions) and extra words
        (synonym terms), which count as seen once."""
        return cls.assemble(scan_titles(titles, segmenter), extra_words, readings)

    @classmethod
    def assemble(
        cls,
        scan: TitleScan,
        extra_words: Iterable[str] = (),
        readings: Mapping[str, Sequence[str]] | None = None,
    ) -> Vocabulary:
        """The vocabulary of scanned titles plus extra words; `readings` (word → syllables,
        stored with the build) spares the pinyin of the words it holds, the slow part."""
        vocab = cls()
        postings = dict(scan.postings)
        for word in extra_words:
            word = normalize(word)
            if _is_han(word) and word not in postings:
                postings[word] = _NONE
        vocab.bigrams = set(scan.bigrams)
        vocab.postings = postings
        vocab.df = Counter({w: max(1, len(ids)) for w, ids in postings.items()})
        vocab._index(scan.chars, readings or {})
        return vocab

    def _index(
        self, chars: Sequence[tuple[str, int]], readings: Mapping[str, Sequence[str]]
    ) -> None:
        by_pinyin: dict[str, list[str]] = defaultdict(list)
        by_initials: dict[str, list[str]] = defaultdict(list)

        def read(word: str) -> Sequence[str]:
            syl = readings.get(word)
            return syllables(word) if syl is None else syl

        for word in self.df:
            syl = read(word)
            by_pinyin["".join(syl)].append(word)
            if len(word) >= 2:
                by_initials["".join(s[0] for s in syl if s)].append(word)
        rank = self.df.__getitem__
        self.by_pinyin = {k: sorted(v, key=rank, reverse=True) for k, v in by_pinyin.items()}
        self.by_initials = {k: sorted(v, key=rank, reverse=True) for k, v in by_initials.items()}
        # Characters that are never a word of their own still spell pinyin (ruankao → 软考):
        # they go after the real words, most frequent first, as a last resort.
        for char, _ in chars:
            words = self.by_pinyin.setdefault("".join(read(char)), [])
            if char not in words:
                words.append(char)

    def near_pinyin(self, sound: str) -> list[str]:
        """Pinyin keys within one edit of `sound`. A scan of every key costs about 3 ms per
        window at 7k keys, and a 40-character citizen sentence has dozens of unknown windows:
        the keys are found instead through their one-deletion variants (SymSpell), built on
        first use (0.1 s for 7k keys), and only those few are checked."""
        deletions, order = self._pinyin_deletions
        found: set[str] = set()
        for variant in (sound, *_deletions(sound)):
            if variant in self.by_pinyin:
                found.add(variant)
            found.update(deletions.get(variant, ()))
        near = [key for key in found if Levenshtein.distance(key, sound, score_cutoff=1) <= 1]
        return sorted(near, key=order.__getitem__)  # the keys' own order, as a scan would

    @cached_property
    def _pinyin_deletions(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Each one-deletion variant → the keys it comes from; and each key's position."""
        deletions: dict[str, list[str]] = defaultdict(list)
        for key in self.by_pinyin:
            for variant in _deletions(key):
                deletions[variant].append(key)
        return dict(deletions), {key: n for n, key in enumerate(self.by_pinyin)}

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
        return cls.build(
            record_titles(records), segmenter, [*segmenter.dictionary_words, *extra_words]
        )

    def cooccurrence(self, word: str, others: Iterable[str]) -> int:
        """Titles in which `word` appears together with any of `others`."""
        mine = self.postings.get(word, _NONE)
        parts = [_common(mine, self.postings.get(other, _NONE)) for other in others]
        return len(np.unique(np.concatenate(parts))) if parts else 0


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The numbers in both sorted arrays: each of the shorter looked up in the longer."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[at] == a]


@dataclass
class TitleScan:
    """What the vocabulary takes from the catalogue's titles, before extra words: stored
    with the build (`zwfw.search.derived`) so a server does not segment every title again.
    `chars` are the hanzi with their counts, most frequent first."""

    postings: dict[str, np.ndarray]  # word → sorted title numbers, int32
    bigrams: list[str]
    chars: list[tuple[str, int]]


def scan_titles(titles: Iterable[str], segmenter: Segmenter) -> TitleScan:
    postings: dict[str, set[int]] = defaultdict(set)
    bigrams: set[str] = set()
    chars: Counter[str] = Counter()
    for number, title in enumerate(titles):
        text = normalize(title)
        bigrams.update(text[i : i + 2] for i in range(len(text) - 1))
        for word in set(segmenter.search_words(text)):
            if _is_han(word):
                postings[word].add(number)
        chars.update(c for c in text if ord(c) in _HAN)
    return TitleScan(
        {w: np.array(sorted(ids), np.int32) for w, ids in postings.items()},
        sorted(bigrams),
        chars.most_common(),
    )


def record_titles(records: Iterable[Record]) -> Iterator[str]:
    """The titles the vocabulary is built from, in order."""
    for record in records:
        yield record.title
        if isinstance(record, Item):
            if record.catalog_name and record.catalog_name != record.name:
                yield record.catalog_name
            yield from record.keywords
