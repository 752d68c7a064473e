"""Query understanding: pinyin, initials and homophone typos rewritten into catalogue words.

Only romanised tokens go through pinyin conversion, and hanzi are only corrected when the
typed text occurs nowhere in the catalogue and a catalogue word sounds the same while
differing in a single character. So 景点 is never turned into 经典 (both characters differ),
and an exact hanzi query is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwfw.models import joined
from zwfw.models.pinyin import split_syllables, syllables
from zwfw.models.segment import STOPWORDS
from zwfw.search.vocab import Vocabulary

_LATIN = re.compile(r"[a-z]+")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_SINGLE_CHAR_COST = 3  # a single hanzi from pinyin is a guess; words are evidence


@dataclass(frozen=True)
class Rewrite:
    source: str
    target: str
    kind: str  # pinyin | initials | homophone | fuzzy
    confident: bool


@dataclass(frozen=True)
class Understanding:
    text: str  # the query to search with (normalised, rewritten where confident)
    rewrites: tuple[Rewrite, ...] = field(default_factory=tuple)

    @property
    def corrected(self) -> bool:
        return any(r.kind in ("homophone", "fuzzy") and r.confident for r in self.rewrites)

    def suggestion(self, original: str) -> str | None:
        """A "did you mean" text when a correction was found but not confident enough."""
        unsure = [r for r in self.rewrites if not r.confident]
        if not unsure:
            return None
        text = self.text
        for r in unsure:
            text = text.replace(r.source, r.target, 1)
        return text if text != original else None


def understand(text: str, vocab: Vocabulary, correct: bool = True) -> Understanding:
    """Rewrite normalised query text; returns the text to search with and what changed.

    With `correct` off, typo corrections are only suggested (did you mean), never applied:
    the caller compares both readings before trusting one (SearchService.analyze)."""
    rewrites: list[Rewrite] = []
    hanzi_words = [w for w in _HAN_RUN.findall(text) if vocab.known(w)]
    for token in dict.fromkeys(_LATIN.findall(text)):
        rewrite = _latin(token, vocab, hanzi_words)
        if rewrite:
            rewrites.append(rewrite)
    for run in dict.fromkeys(_HAN_RUN.findall(text)):
        for fix in _typos(run, vocab):
            rewrites.append(fix if correct else Rewrite(fix.source, fix.target, fix.kind, False))
    out = text
    for r in rewrites:
        if r.confident:
            out = out.replace(
                r.source, f" {r.target} " if r.kind in ("pinyin", "initials") else r.target
            )
    return Understanding(" ".join(out.split()), tuple(rewrites))


def _latin(token: str, vocab: Vocabulary, context: list[str]) -> Rewrite | None:
    if len(token) < 2 or token in vocab.df:
        return None  # a real latin word in the catalogue (etc, app) stays as typed
    if split_syllables(token):
        words = _pinyin_words(token, vocab)
        return Rewrite(token, "".join(words), "pinyin", True) if words else None
    candidates = vocab.by_initials.get(token, [])
    if not candidates:
        return None
    best = max(candidates[:50], key=lambda w: (vocab.cooccurrence(w, context), vocab.df[w]))
    return Rewrite(token, best, "initials", True)


def _pinyin_words(token: str, vocab: Vocabulary) -> list[str] | None:
    """Cover the pinyin string with catalogue words, fewest and most frequent first."""
    n = len(token)
    best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for end in range(1, n + 1):
        for start in range(max(0, end - 36), end):
            prev = best[start]
            words = vocab.by_pinyin.get(token[start:end])
            if prev is None or not words:
                continue
            word = words[0]
            cost = prev[0] + (1 if len(word) > 1 else _SINGLE_CHAR_COST)
            current = best[end]
            if current is None or cost < current[0]:
                best[end] = (cost, [*prev[1], word])
    final = best[n]
    return final[1] if final else None


def _typos(run: str, vocab: Vocabulary) -> list[Rewrite]:
    out: list[Rewrite] = []
    # The run is read once, with its phrases, and each window's sound cut from that reading:
    # pypinyin costs about 80 µs a call, and a citizen's sentence has dozens of unknown
    # windows (5 ms a query). Falls back to reading each window when the run's reading is
    # not one syllable per character.
    reading = syllables(run)
    aligned = len(reading) == len(run)
    i = 0
    while i < len(run) - 1:
        for size in (4, 3, 2):
            window = run[i : i + size]
            if len(window) < size or vocab.known(window) or window in STOPWORDS:
                continue
            sound = "".join(reading[i : i + size]) if aligned else joined(window)
            fix = _correct(window, sound, vocab)
            if fix:
                out.append(fix)
                i += size - 1
                break
        i += 1
    return out


def _correct(window: str, sound: str, vocab: Vocabulary) -> Rewrite | None:
    """A catalogue word that sounds the same (or one pinyin edit away) and differs in one
    character (two for windows of four)."""
    limit = 1 if len(window) <= 3 else 2
    same = [w for w in vocab.by_pinyin.get(sound, []) if _diff(w, window) <= limit]
    if same:
        confident = len(same) == 1 or vocab.df[same[0]] >= 3 * vocab.df[same[1]]
        return Rewrite(window, same[0], "homophone", confident)
    if len(window) < 3:
        return None
    near = [
        w for key in vocab.near_pinyin(sound) for w in vocab.by_pinyin[key]
        if _diff(w, window) <= limit
    ]  # fmt: skip
    if not near:
        return None
    near.sort(key=lambda w: -vocab.df[w])
    return Rewrite(window, near[0], "fuzzy", False)


def _diff(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))
