"""Text normalisation shared by indexing and querying, so both sides see the same characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from opencc import OpenCC

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=65_536)
def normalize(text: str) -> str:
    """Traditional → simplified, full-width → half-width (NFKC), lower case, single spaces.

    NFKC also folds compatibility forms such as `①` and ideographic spaces. Chinese
    punctuation that NFKC keeps (`，。、`) is left alone: segmentation treats it as a break.
    """
    # Format characters (zero-width spaces, joiners, BOMs) arrive from copy and paste and
    # would otherwise split words invisibly.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SPACES.sub(" ", text).strip().lower()


# Bracketed qualifiers of a title ("(（个人）)", "（新申请）") are not typed by citizens.
_QUALIFIER = re.compile(r"[(（][^()（）]*[)）]")


def base_name(title: str) -> str:
    """The title without bracketed qualifiers (nested ones too), normalised."""
    text = normalize(title)
    while _QUALIFIER.search(text):
        text = _QUALIFIER.sub("", text)
    return text.strip() or normalize(title)


def has_content(text: str) -> bool:
    """True when `text` holds at least one letter, digit or hanzi. Punctuation, control
    characters and spaces alone ("。？", "\\u0000") are no question: searched, they matched
    dozens of random records."""
    return any(ch.isalnum() for ch in normalize(text))


# Polite and interrogative filler that carries no meaning for retrieval. Action words inside
# a filler phrase are kept (怎么办理 → 办理, 怎么申请 → 申请): item names contain them.
_FILLER = {
    **dict.fromkeys(
        "请问一下 请问 我想问一下 我想咨询一下 我想了解一下 想问一下 问一下 咨询一下 了解一下 "
        "你好 您好 麻烦 帮我 帮忙 谢谢 我想 我要 想要 需要什么 要什么 需要哪些 要带什么 "
        "需要带什么 需要准备什么 应该 可以吗 吗 呢 啊 呀 吧".split(),
        "",
    ),
    "怎么办理": "办理", "如何办理": "办理", "怎样办理": "办理", "怎么申请": "申请",
    "如何申请": "申请", "怎么办": "办", "在哪里办": "办", "去哪里办": "办", "在哪办": "办",
    "去哪办": "办",
}  # fmt: skip
_FILLER_RE = re.compile("|".join(map(re.escape, sorted(_FILLER, key=len, reverse=True))))


def strip_filler(text: str, tokens: Callable[[str], Iterable[str]] | None = None) -> str:
    """Normalised text without polite filler; returns the text unchanged if nothing is left.

    With `tokens` (a segmenter's cut), a one-character particle (吧, 吗, 呢…) goes only where
    the segmenter leaves it a token of its own: the 吧 of 好吧 goes, the 吧 of 网吧 (a word,
    part of a name) stays. Without it every occurrence goes, as before.
    """
    alone = _single_tokens(text, tokens) if tokens else None

    def replace(m: re.Match[str]) -> str:
        if alone is not None and len(m.group()) == 1 and m.start() not in alone:
            return m.group()
        return f" {_FILLER[m.group()]} "

    stripped = " ".join(_FILLER_RE.sub(replace, text).split())
    return stripped or text


def _single_tokens(text: str, tokens: Callable[[str], Iterable[str]]) -> set[int]:
    """Offsets of the one-character tokens of `text`."""
    out, at = set(), 0
    for token in tokens(text):
        if len(token) == 1:
            out.add(at)
        at += len(token)
    return out
