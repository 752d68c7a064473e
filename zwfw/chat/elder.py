"""Elderly mode: replies short and plain enough to be read aloud.

The rules (docs/chat.md): the first sentence carries the answer in at most 40 characters;
no tables, no URLs read aloud (the card on screen carries the link); at most three quick
replies, because a list of six is not remembered when heard. The screen keeps digits
(020-12345 is what an older citizen dials); the separate speech text (`speech`) has numbers
and dates in their spoken form, for the text-to-speech engine.
"""

from __future__ import annotations

import re

import rjieba

from zwfw.chat.spoken import speak_numbers
from zwfw.chat.types import ChatReply

FIRST_SENTENCE_MAX = 40
MAX_OPTIONS = 3

_URL = re.compile(r"(https?://|www\.)[^\s，。；、）)]+")
# "依据《…》（发改价格〔2003〕2322号）": the legal basis, for the screen, not the ear.
_CITATION = re.compile(r"[，,]?\s*依据[^。；;]*")
_PAREN = re.compile(r"[(（][^()（）]*[)）]")
_TABLE_LINE = re.compile(r"^\s*\|.*$", re.M)
_LIST_MARK = re.compile(r"^\s*(?:\d+[.、．]|[-*•])\s*", re.M)
_SENTENCE_END = re.compile(r"[。！？!?]")
_SOFT_BREAK = "，；、：,;:"
# "/" is read 每 before a unit (20元/证, 3次/年) and 或 between alternatives
# (户口所在地/驻军所在地).
_UNITS = "|".join(
    "平方米 立方米 公里 小时 公斤 千克 人次 证 件 次 人 年 月 日 "
    "天 户 套 本 张 份 页 吨 亩 台 辆 个 米".split()
)
_PER = re.compile(rf"/(?=(?:{_UNITS})(?![\u4e00-\u9fff]))")
_ORDINALS = "一二三四五六七八九十"


def short_name(title: str) -> str:
    """A title without its bracketed qualifiers: 普通护照签发（首次申请） → 普通护照签发."""
    return _PAREN.sub("", title).strip() or title


def plain(text: str) -> str:
    """The text with everything a listener cannot use removed: links, tables, citations of
    documents, bracketed asides, list markup. Digits stay (see `speech`)."""
    text = _TABLE_LINE.sub("", text)
    text = _URL.sub("", text)
    text = _CITATION.sub("", text)
    while _PAREN.search(text):
        text = _PAREN.sub("", text)
    text = re.sub(r"(入口|网址|链接)[：:]\s*(?=[\n。]|$)", "", text)
    return _PER.sub("每", text).replace("/", "或")


def enumerate_spoken(items: list[str]) -> str:
    """List items as a sentence: 第一，…；第二，…。 instead of a numbered list."""
    parts = [
        f"第{_ORDINALS[i] if i < len(_ORDINALS) else i + 1}，{_LIST_MARK.sub('', item)}"
        for i, item in enumerate(items)
    ]
    return "；".join(parts) + "。" if parts else ""


def cap_first_sentence(text: str, limit: int = FIRST_SENTENCE_MAX) -> str:
    """Make the first sentence at most `limit` characters, breaking at a comma when possible
    so no words are lost, only the pause gets longer."""
    text = text.strip()
    end = _SENTENCE_END.search(text)
    first_len = end.start() + 1 if end else len(text)
    if first_len <= limit:
        return text
    window = text[: limit - 1]
    cut = max(window.rfind(c) for c in _SOFT_BREAK)
    if cut <= 0:  # no comma to turn into a full stop: end the sentence between two words
        at = _word_boundary(text, limit - 1)
        return text[:at] + "。" + text[at:]
    return text[:cut] + "。" + text[cut + 1 :]


def _word_boundary(text: str, limit: int) -> int:
    """The last position at most `limit` where a word ends, so a sentence is never cut
    inside a word (…两种方式预。约结婚登记 read as nonsense); `limit` itself if none."""
    ends, at = [], 0
    for token in rjieba.cut(text[: limit + 8]):
        at += len(token)
        ends.append(at)
    fitting = [end for end in ends if 0 < end <= limit]
    return fitting[-1] if fitting else limit


def for_elder(headline: str, details: list[str]) -> str:
    """The elderly-mode reply: a headline, then the details as spoken sentences."""
    numbered = bool(details) and all(_LIST_MARK.match(d) for d in details)
    lines = [plain(_LIST_MARK.sub("", d)) for d in details]
    listed = [d for d in lines if d.strip(" 。")]
    body = enumerate_spoken(listed) if numbered else "".join(_end(d) for d in listed)
    return cap_first_sentence(_end(plain(headline)) + body)


def _end(sentence: str) -> str:
    sentence = " ".join(sentence.split()).strip("；; ")
    if not sentence:
        return ""
    return sentence if sentence[-1] in "。！？!?" else sentence + "。"


def cap_options(options: list[str]) -> list[str]:
    return options[:MAX_OPTIONS]


def finish(text: str) -> str:
    """The last pass over every elderly-mode reply as shown, whatever produced it: no link,
    a short first sentence (safe on text that is already plain)."""
    return cap_first_sentence(_URL.sub("", text))


def speech(text: str) -> str:
    """What is read aloud for a shown elderly-mode reply: every number in its spoken form
    (120元 → 一百二十元, 020-12345 → 零二零，一二三四五), first sentence still short."""
    return cap_first_sentence(speak_numbers(_URL.sub("", text)))


def elder_text(text: str, elder: bool) -> str:
    """`text` as an elderly-mode headline when `elder`; unchanged for a screen."""
    return for_elder(text, []) if elder else text


def elder_reply(turn: ChatReply, elder: bool) -> ChatReply:
    """`turn` with its reply written for elderly mode when `elder` (changed in place)."""
    if elder:
        turn.reply = for_elder(turn.reply, [])
    return turn
