"""Toneless pinyin and initials of Chinese text, with pypinyin's phrase-level readings."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def syllables(text: str) -> list[str]:
    """Toneless syllables of the hanzi in `text` (银行 → yin hang: phrases fix polyphones)."""
    out: list[str] = []
    for run in _HAN_RUN.findall(text):
        out.extend(lazy_pinyin(run, errors="ignore"))
    return out


def initials(text: str) -> str:
    """First letters of each syllable, joined: 社保卡 → sbk."""
    return "".join(s[0] for s in syllables(text) if s)


def joined(text: str) -> str:
    """Full pinyin without spaces: 护照补办 → huzhaobuban."""
    return "".join(syllables(text))
