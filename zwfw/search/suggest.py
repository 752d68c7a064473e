"""Search-box suggestions: prefix completion of titles by hanzi, full pinyin and initials.

A `Suggester` is built once and never changed, so request threads read it without locks; to
update, build a new one and swap the reference. Each distinct title gets a doc id equal to
its rank (weight, then shorter text), so "the best matches of a key range" is "the smallest
ids in a slice", which numpy answers in C however wide the range is (`sh` at 100k titles).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Literal

import numpy as np
from pypinyin.core import Pinyin

from zwfw.core.records import App, Item, Record
from zwfw.models.normalize import normalize
from zwfw.models.pinyin import syllables

Kind = Literal["item", "app", "synonym", "query"]
Accept = Callable[[int], bool]
WordStarts = Callable[[str], Iterable[int]]

_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_TOKENS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")
_NOT_LATIN = re.compile(r"[^a-z0-9]")
_LETTER = re.compile(r"[a-z]")
_MIN_LATIN = 2  # one latin letter matches a third of all pinyin: too noisy to suggest from
_INFIX_KEY = 3  # characters packed into one int64 sort key of the infix index
_BITS = 21  # every Unicode code point fits in 21 bits; three fit in a (positive) int64
_TOP = (1 << _BITS) - 1

# Match types, best first. The score adds one point per type so it orders like the results.
HANZI, PINYIN, INITIALS, INFIX = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class SuggestEntry:
    """A text that may be suggested; `id` set when it stands for one document."""

    text: str
    kind: Kind
    weight: float
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One completion. `score` is higher for better ones: 3 + w/(1+w) for a hanzi prefix
    match of weight w, 2 + … pinyin, 1 + … initials, 0 + … infix."""

    text: str
    kind: Kind
    id: str | None
    score: float


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class _Reader:
    """Pinyin of normalised text, cached per pypinyin word for one build: runs are segmented
    as `syllables` segments them, so readings are identical, but words repeat across titles
    where whole runs rarely do (100k distinct titles read ~5x faster)."""

    def __init__(self) -> None:
        self._seg = Pinyin().seg
        self._words: dict[str, list[str]] = {}

    def __call__(self, text: str) -> tuple[str, str]:
        """Full pinyin and initials. Latin letters and digits stay as written
        (交管12123 → jiaoguan12123, jg12123) so mixed titles remain reachable."""
        full: list[str] = []
        first: list[str] = []
        for token in _TOKENS.findall(text):
            if _HAN.match(token):
                syl = self._run(token)
                full.extend(syl)
                first.extend(s[0] for s in syl if s)
            else:
                full.append(token)
                first.append(token)
        return "".join(full), "".join(first)

    def _run(self, run: str) -> list[str]:
        out: list[str] = []
        for word in self._seg(run):
            syl = self._words.get(word)
            if syl is None:
                syl = self._words[word] = syllables(word)
            out.extend(syl)
        return out


class _SortedKeys:
    """Keys sorted as strings with the doc of each: a prefix is one contiguous `bisect` range."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        pairs.sort()
        self.keys = [key for key, _ in pairs]
        self.docs = _frozen(np.fromiter((doc for _, doc in pairs), np.int32, len(pairs)))

    def range(self, prefix: str) -> np.ndarray:
        lo = bisect_left(self.keys, prefix)
        return self.docs[lo : bisect_left(self.keys, _successor(prefix), lo)]

    def nbytes(self) -> int:
        return sys.getsizeof(self.keys) + sum(map(sys.getsizeof, self.keys)) + self.docs.nbytes


class _Infix:
    """Every hanzi position after a text's first character, sorted by the next three code
    points packed into one int64 (驾驶证 finds 机动车驾驶证补领); longer infixes are narrowed by
    comparing the following code points in numpy. Arrays, not one string per suffix: 100k
    titles (~2M positions) take about 40 MB instead of several hundred.

    The positions where a word begins (by `word_starts`, none without it) are also kept in
    arrays of their own (`w*`), so 护 starting 普通护照 is told from 护 inside 救护车 by a
    slice, not by masking every position of a common character (p99 at 100k titles)."""

    def __init__(self, texts: list[str], word_starts: WordStarts | None = None) -> None:
        joined = "\0".join(texts) + "\0" * _INFIX_KEY  # 0 ends a text and pads the last one
        cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        starts = np.zeros(len(texts), np.int64)
        starts[1:] = np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)[:-1]
        is_han = (cp >= 0x3400) & (cp <= 0x9FFF)
        is_han[starts] = False  # a text's first character is the prefix index's job
        pos = np.flatnonzero(is_han).astype(np.int32)
        del is_han
        key = cp[pos].astype(np.int64)
        alive = np.ones(len(pos), bool)  # false once the text ended: never read the next one
        for offset in range(1, _INFIX_KEY):
            code = cp[pos + offset]
            alive &= code != 0
            key = (key << _BITS) | np.where(alive, code, 0)
        # Stable: positions ascend, and so do docs, so equal keys keep the best doc first.
        order = np.argsort(key, kind="stable")
        self.keys = _frozen(key[order])
        del key
        self.pos = _frozen(pos[order])
        self.docs = _frozen((np.searchsorted(starts, self.pos, "right") - 1).astype(np.int32))
        begins = np.zeros(len(cp), bool)
        if word_starts is not None:
            pairs = zip(starts.tolist(), texts, strict=True)
            at = [base + i for base, text in pairs for i in word_starts(text)]
            begins[np.asarray(at, np.int64)] = True
        word = begins[self.pos]
        del begins
        self.wkeys, self.wpos, self.wdocs = (
            _frozen(a[word]) for a in (self.keys, self.pos, self.docs)
        )
        self.cp = _frozen(cp.astype(np.uint16) if len(cp) and cp.max() <= 0xFFFF else cp.copy())

    def range(self, text: str, word: bool = False) -> np.ndarray:
        """Docs of the positions where `text` occurs (a doc may repeat); with `word`, only
        where it occurs at the start of a word."""
        keys, docs, at = (
            (self.wkeys, self.wdocs, self.wpos) if word else (self.keys, self.docs, self.pos)
        )
        head = [ord(c) for c in text[:_INFIX_KEY]]
        pad = _INFIX_KEY - len(head)
        lo = int(np.searchsorted(keys, _pack([*head, *[0] * pad]), "left"))
        hi = int(np.searchsorted(keys, _pack([*head, *[_TOP] * pad]), "right"))
        if len(text) <= _INFIX_KEY or lo == hi:
            return docs[lo:hi]
        if "\0" in text:
            return docs[:0]
        pos, ok, last = at[lo:hi], np.ones(hi - lo, bool), len(self.cp) - 1
        for offset, char in enumerate(text[_INFIX_KEY:], start=_INFIX_KEY):
            ok &= self.cp[np.minimum(pos + offset, last)] == ord(char)  # cp[last] is 0
        return docs[lo:hi][ok]

    def nbytes(self) -> int:
        arrays = (self.keys, self.docs, self.pos, self.cp, self.wkeys, self.wdocs, self.wpos)
        return sum(int(a.nbytes) for a in arrays)


def _pack(codes: list[int]) -> int:
    key = 0
    for code in codes:
        key = (key << _BITS) | min(code, _TOP)
    return key


def _best(docs: np.ndarray, k: int, accept: Accept | None) -> list[int]:
    """Up to k distinct smallest doc ids (= best ranks) of a range, best first."""
    if accept is None and len(docs) > 4 * k:
        head = np.unique(np.partition(docs, 4 * k - 1)[: 4 * k])
        if len(head) >= k:  # fewer only when the infix repeats one doc many times
            return [int(d) for d in head[:k]]
    uniq = np.unique(docs)
    if accept is None:
        return [int(d) for d in uniq[:k]]
    out: list[int] = []
    for start in range(0, len(uniq), 256):  # stop early: the best candidates come first
        out.extend(d for d in uniq[start : start + 256].tolist() if accept(d))
        if len(out) >= k:
            break
    return out[:k]


def _merge(entries: Iterable[SuggestEntry]) -> list[tuple[str, SuggestEntry]]:
    """One entry per normalised text, the heaviest (one with an id wins a tie), best first."""
    return _merge_keyed((normalize(entry.text), entry) for entry in entries)


def _merge_keyed(pairs: Iterable[tuple[str, SuggestEntry]]) -> list[tuple[str, SuggestEntry]]:
    """`_merge` of entries whose normalised text is already known (stored with a build)."""
    best = _heaviest(pairs)
    return sorted(best.items(), key=lambda kv: (-kv[1].weight, len(kv[0]), kv[0]))


def _heaviest(pairs: Iterable[tuple[str, SuggestEntry]]) -> dict[str, SuggestEntry]:
    """The heaviest entry per key (the first of equals; one with an id wins a tie)."""
    best: dict[str, SuggestEntry] = {}
    for key, entry in pairs:
        old = best.get(key)
        if key and (
            old is None or (entry.weight, entry.id is not None) > (old.weight, old.id is not None)
        ):
            best[key] = entry
    return best


class Suggester:
    """Completions for a typed prefix; see docs/suggest.md for what matches and in which order."""

    def __init__(
        self,
        entries: Iterable[SuggestEntry],
        keyed: Iterable[tuple[str, SuggestEntry]] = (),
        readings: Mapping[str, tuple[str, str]] | None = None,
        word_starts: WordStarts | None = None,
    ) -> None:
        """`keyed` are entries already paired with their normalised text and merged (the
        catalogue's, stored with the build), `readings` their stored pinyin and initials:
        both spare work at start-up. `entries` are merged after them, as `_merge` would.
        `word_starts` (the segmenter's) lets a word inside a title match like a prefix."""
        ranked = _merge_keyed(chain(keyed, ((normalize(e.text), e) for e in entries)))
        self._keys = [key for key, _ in ranked]
        self._entries = [entry for _, entry in ranked]
        read = _Reader()
        known = readings or {}
        readings_ = [known.get(key) or read(key) for key in self._keys]
        self._text = _SortedKeys([(key, doc) for doc, key in enumerate(self._keys)])
        self._pinyin = _SortedKeys([(r[0], doc) for doc, r in enumerate(readings_) if r[0]])
        self._initials = _SortedKeys([(r[1], doc) for doc, r in enumerate(readings_) if r[1]])
        self._infix = _Infix(self._keys, word_starts)

    def __len__(self) -> int:
        return len(self._keys)

    def suggest(self, prefix: str, size: int = 8) -> list[Suggestion]:
        """At most `size` distinct texts, ordered by match type, then weight, then length;
        hanzi at the start of a word inside a title match like a prefix (see `_stages`).

        Latin input needs two letters or digits; blank input gives no suggestions.
        """
        query = normalize(prefix)
        han = _HAN.search(query) is not None
        latin = _NOT_LATIN.sub("", query)
        if size < 1 or not query or (not han and len(latin) < _MIN_LATIN):
            return []
        picked: dict[int, int] = {}  # doc → match type, in result order
        for match, docs, accept in self._stages(query, han, latin, size):
            for doc in _best(docs, size + len(picked), accept):
                picked.setdefault(doc, match)
            if len(picked) >= size:
                break
        return [self._suggestion(doc, match) for doc, match in list(picked.items())[:size]]

    def _stages(
        self, query: str, han: bool, latin: str, size: int
    ) -> Iterator[tuple[int, np.ndarray, Accept | None]]:
        """Candidate ranges in rank order; lazy, so a filled result skips the later ones.

        Hanzi typed at the start of a word inside a title (港澳 in 办理往来港澳通行证) match
        like a prefix, so eight long titles that happen to start with the text do not hide
        a short one where it starts a later word. The best prefix matches keep the first half
        of the list (people mostly type a title's start), unless a word match weighs more;
        the rest is both kinds by weight, then shorter text.
        """
        prefix = self._text.range(query)
        words = self._infix.range(query, word=True) if han and _HAN.match(query) else prefix[:0]
        if len(words):
            # Ranges may be wide (广 at 100k titles): take the best few of each, never mask all.
            first_word = _best(words, 1, None)[0]
            floor = self._entries[first_word].weight  # ids are in rank order: weights descend
            kept = [
                d for d in _best(prefix, (size + 1) // 2, None) if self._entries[d].weight >= floor
            ]
            yield HANZI, np.asarray(kept, np.int32), None
            both = {*_best(prefix, 2 * size, None), *_best(words, 2 * size, None)}
            prefix = np.fromiter(sorted(both), np.int32, len(both))
        yield HANZI, prefix, None
        if not han:
            yield PINYIN, self._pinyin.range(latin), None
            yield INITIALS, self._initials.range(latin), None
            return
        lead = _HAN_RUN.match(query)
        if lead is None:
            return
        head = lead[0]
        if _LETTER.search(query):  # 社bao: the pinyin of 社 + bao, among texts starting with 社
            full, _ = _Reader()(query)
            yield PINYIN, self._pinyin.range(full), lambda d: self._keys[d].startswith(head)
        if len(query) >= 2:
            yield INFIX, self._infix.range(query), None

    def _suggestion(self, doc: int, match: int) -> Suggestion:
        entry = self._entries[doc]
        weight = max(entry.weight, 0.0)
        score = round(INFIX - match + weight / (1.0 + weight), 4)
        return Suggestion(entry.text, entry.kind, entry.id, score)

    def stats(self) -> dict[str, int]:
        """Sizes for logs and the bench: texts, infix positions, approximate bytes held."""
        held = sum(sum(map(sys.getsizeof, (e, e.text, e.id))) for e in self._entries)
        held += self._text.nbytes() + self._pinyin.nbytes() + self._initials.nbytes()
        held += self._infix.nbytes()  # the text index's keys are `_keys`: counted once
        return {"texts": len(self), "infix_positions": len(self._infix.docs), "approx_bytes": held}


def catalogue_entries(records: Iterable[Record]) -> Iterator[SuggestEntry]:
    """Item names (1.0, with an id), catalogue names and keywords (0.8), app names (0.9);
    other kinds are skipped."""
    for record in records:
        if isinstance(record, Item):
            yield SuggestEntry(record.name, "item", 1.0, record.id)
            if record.catalog_name:
                yield SuggestEntry(record.catalog_name, "item", 0.8)
            yield from (SuggestEntry(kw, "item", 0.8) for kw in record.keywords)
        elif isinstance(record, App):
            yield SuggestEntry(record.name, "app", 0.9, record.id)


def catalogue_keyed(records: Iterable[Record]) -> list[tuple[str, SuggestEntry]]:
    """The catalogue's entries merged per normalised text, in first-seen order (what a build
    stores; `Suggester(extra, keyed=…)` then equals `build_suggester(records, extra)`)."""
    return list(_heaviest((normalize(e.text), e) for e in catalogue_entries(records)).items())


def readings_of(keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Full pinyin and initials of normalised texts, as the suggester reads them."""
    read = _Reader()
    return {key: read(key) for key in keys}


POPULAR_WEIGHTS = (0.7, 0.95)  # the least and the most frequent of the popular queries


def popular_entries(queries: Sequence[str]) -> list[SuggestEntry]:
    """Completions from the query log's frequent queries, given most frequent first: weighted
    from 0.95 down to 0.7 by rank, so what people search most comes first among matches of
    one kind, above catalogue names and keywords (0.8) and apps (0.9) when near the top, but
    never above an item name (1.0), whose id opens the item."""
    low, high = POPULAR_WEIGHTS
    step = (high - low) / max(1, len(queries) - 1)
    return [SuggestEntry(q, "query", round(high - i * step, 4)) for i, q in enumerate(queries)]


def build_suggester(
    records: Iterable[Record],
    extra: Iterable[SuggestEntry] = (),
    word_starts: WordStarts | None = None,
) -> Suggester:
    """The suggester over the items and apps among `records` plus `extra` (synonyms, popular
    queries); `word_starts` (the segmenter's) lets a word inside a title match like a prefix.

    Identical texts merge into the heaviest entry, so an item name offered in many regions is
    suggested once, with one item id.
    """
    return Suggester(chain(catalogue_entries(records), extra), word_starts=word_starts)
