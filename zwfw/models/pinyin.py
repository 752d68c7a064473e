"""Toneless pinyin and initials of Chinese text, with pypinyin's phrase-level readings."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from pypinyin import lazy_pinyin

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def syllables(text: str) -> list[str]:
    """Toneless syllables of the hanzi in `text` (银行 → yin hang: phrases fix polyphones)."""
    return list(_word_reading(text) if len(text) <= _CACHED_LENGTH else _reading(text))


# Indexing reads the pinyin of every word of every title, and the same few hundred thousand
# words recur across a catalogue: pypinyin costs about 80 µs a call, which was 80 % of a
# build's time at 20k items. Short texts (words) are cached; long ones (titles, sentences)
# are mostly unique and would only fill the cache.
_CACHED_LENGTH = 8


@lru_cache(maxsize=1 << 18)
def _word_reading(text: str) -> tuple[str, ...]:
    return _reading(text)


def _reading(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        out.extend(lazy_pinyin(run, errors="ignore"))
    return tuple(out)


def initials(text: str) -> str:
    """First letters of each syllable, joined: 社保卡 → sbk."""
    return "".join(s[0] for s in syllables(text) if s)


def joined(text: str) -> str:
    """Full pinyin without spaces: 护照补办 → huzhaobuban."""
    return "".join(syllables(text))


@lru_cache(maxsize=1)
def _syllable_set() -> frozenset[str]:
    path = resources.files("zwfw.models") / "data" / "pinyin_syllables.txt"
    # Vowel-less interjections (m, n, ng, hm) would make initials such as `hm` look like pinyin.
    return frozenset(s for s in path.read_text(encoding="utf-8").split() if set(s) & set("aeiouv"))


def split_syllables(token: str) -> list[str] | None:
    """Split toneless pinyin written without spaces into syllables, or None if it is not pinyin.

    Prefers the split with the fewest syllables (xian → xian, not xi an), which is also what
    a typist means far more often.
    """
    valid = _syllable_set()
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            prev = best[start]
            piece = token[start:end]
            if prev is not None and piece in valid:
                option = [*prev, piece]
                current = best[end]
                if current is None or len(option) < len(current):
                    best[end] = option
    return best[n] if n else None
