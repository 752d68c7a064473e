"""Numbers, dates and phone numbers written the way they are read aloud.

Text-to-speech engines read "120元" as "一二零元" or "一百二十元" depending on the engine, and
"2025-01-01" often as a subtraction; writing the spoken form removes the guess:
120元 → 一百二十元, 2025-01-01 → 二〇二五年一月一日, 020-12345 → 零二零，一二三四五.
"""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_YEAR_DIGITS = "〇一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年)")
# Five or more digits without a unit after them are a number to dial, not an amount.
_PHONE = re.compile(
    r"(?<![\d.])(\d{2,4}-\d{4,8}(?:-\d{1,6})?|\d{5,}(?!\s*[元万个项张份年天周次本岁人寸月日%]))"
    r"(?![\d.])"
)
# Service numbers are dialled, so read digit by digit (119 is 一一九, not 一百一十九).
_HOTLINE = re.compile(
    r"(?<!\d)(110|119|120|122|12345|12315|12333|12388)(?!\d|\s*[元万个项张份年天周次本岁人寸月日%])"
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[～~〜至-]\s*(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MEASURE = re.compile("[个项张份年天周次本岁人元寸月]")


def cardinal(n: int) -> str:
    """An integer below 10^8 as it is read: 105 → 一百零五, 12000 → 一万二千."""
    if n < 0:
        return "负" + cardinal(-n)
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        tail = "" if low == 0 else ("零" if low < 1000 else "") + cardinal(low)
        return cardinal(high) + "万" + tail
    if n < 10:
        return _DIGITS[n]
    out, gap = "", False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if gap else "") + _DIGITS[digit] + unit
            gap = False
        elif out:
            gap = True
    if n:
        out += ("零" if gap else "") + _DIGITS[n]
    # 十五, not 一十五, when a number starts with its tens.
    return out[1:] if out.startswith("一十") else out


def _decimal(text: str, after: str = "", before: str = "") -> str:
    whole, _, frac = text.partition(".")
    spoken = cardinal(int(whole))
    if spoken == "二" and not frac and _MEASURE.match(after) and before != "第":
        spoken = "两"  # 两个工作日, 两元: how a count is said
    return spoken + ("点" + "".join(_DIGITS[int(d)] for d in frac) if frac else "")


def digits(text: str) -> str:
    """Digit by digit, groups separated by a pause: 020-12345 → 零二零，一二三四五."""
    return "，".join("".join(_DIGITS[int(d)] for d in part) for part in text.split("-"))


def speak_numbers(text: str) -> str:
    """Every number in `text` in its spoken form (dates, years, phones, ranges, percents)."""
    text = _DATE.sub(
        lambda m: (
            "".join(_YEAR_DIGITS[int(d)] for d in m[1])
            + f"年{cardinal(int(m[2]))}月{cardinal(int(m[3]))}日"
        ),
        text,
    )
    text = _YEAR.sub(lambda m: "".join(_YEAR_DIGITS[int(d)] for d in m[1]), text)
    text = _PHONE.sub(lambda m: digits(m[1]), text)
    text = _HOTLINE.sub(lambda m: digits(m[1]), text)
    text = _PERCENT.sub(lambda m: "百分之" + _decimal(m[1]), text)
    text = _RANGE.sub(lambda m: _decimal(m[1]) + "至", text)
    return _NUMBER.sub(
        lambda m: _decimal(
            m[0], text[m.end() : m.end() + 1], text[max(0, m.start() - 1) : m.start()]
        ),
        text,
    )
