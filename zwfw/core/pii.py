"""Masks personal data in free text before it is stored, logged or exported.

The platform's users type ID-card numbers, phone numbers, bank cards and their names into the
search box and the chat ("我叫张三，身份证110101199003074258…"). Personal-information law
forbids keeping them in logs and analytics, so every query, comment and log line goes through
`mask` first. Numbers are recognised by their checksums, so item codes and dates are kept:
over-masking destroys analytics, under-masking leaks.
"""

from __future__ import annotations

import re

ID_CARD = "[身份证号]"
MOBILE = "[手机号]"
BANK_CARD = "[银行卡号]"
NAME = "[姓名]"

# Full-width digits (１３８…) come from Chinese keyboards; NFKC would also fold other text,
# so only the digits and the letter X are translated before matching.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ－　", "0123456789Xx- ")

# Digit runs optionally broken by single spaces or hyphens ("6222 0212 3456 7890"), never
# glued to other digits. Separated runs are how people type card and phone numbers.
_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){10,40}(?:[ .-]?[Xx])?(?![0-9Xx])")
# "姓名" needs a separator after it: "姓名变更登记" is a service, not a name. Names run to
# three hanzi (four would eat the next word of "我叫张三想办护照"), or a minority name with "·".
_NAME = re.compile(
    r"(我叫\s*|名字(?:是|叫)\s*|姓名\s*(?:是|为|[:：])\s*|姓名\s+)"
    r"([\u4e00-\u9fff]{1,3}(?:[·•][\u4e00-\u9fff]{1,8})?|[A-Za-z]+(?: [A-Za-z]+)?)"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_id_card(number: str) -> bool:
    """True for an 18-character resident ID number whose GB 11643-1999 check digit matches."""
    if not re.fullmatch(r"[0-9]{17}[0-9Xx]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


# The shape of a resident ID number: a province code (11–82), four more region digits, a birth
# date, then a sequence and check character. The second-generation 18-character form has a
# four-digit year; the first-generation 15-digit form (still on old documents) a two-digit one.
_ID_SHAPE = re.compile(
    r"[1-8][0-9]{5}(?:(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx]|[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})"
)


def looks_like_id_card(number: str) -> bool:
    """True for a number shaped like a resident ID (region, birth date, sequence), whether or
    not its check digit matches: a citizen who mistypes one digit, or writes an old 15-digit
    number, has still typed their ID. Privacy wins over precision here."""
    return is_id_card(number) or _ID_SHAPE.fullmatch(number) is not None


def is_mobile(number: str) -> bool:
    """True for a mainland mobile number: 11 digits, 1 then 3–9 (optionally +86/86 first)."""
    return re.fullmatch(r"(?:86)?1[3-9][0-9]{9}", number) is not None


def is_bank_card(number: str) -> bool:
    """True for 16–19 digits that pass the Luhn check (UnionPay and international cards)."""
    if not re.fullmatch(r"[0-9]{16,19}", number):
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _classify(run: str) -> str | None:
    number = re.sub(r"[ .-]", "", run)
    if looks_like_id_card(number):
        return ID_CARD
    if is_mobile(number):
        return MOBILE
    if is_bank_card(number):
        return BANK_CARD
    return None


def _in_code(match: re.Match[str]) -> bool:
    """True when the run is part of a machine-made code, not a number a person typed: glued
    to ASCII letters on both sides (a hex digest), or right after digit-letter (the
    `20261206T031500.123456-…` stamp of a build name)."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start >= 1 else ""
    if not (before.isascii() and before.isalpha()):
        return False
    after = text[end] if end < len(text) else ""
    return (after.isascii() and after.isalpha()) or (start >= 2 and text[start - 2].isdigit())


def _mask_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    if _in_code(match):
        return run
    label = _classify(run)
    if label is not None:
        return label
    # A run may be several numbers side by side ("13800138000-13900139000", "138 0013 8000
    # 2024"): judge every span of consecutive parts, longest first, so a number typed in
    # groups is still found next to another number. Privacy wins over precision here.
    parts = re.split(r"([ .-])", run)
    values, seps = parts[0::2], parts[1::2]
    out: list[str] = []
    i = 0
    while i < len(values):
        for j in range(len(values), i, -1):
            label = _classify("".join(values[i:j]))
            if label is not None:
                out.append(label)
                i = j
                break
        else:
            out.append(values[i])
            i += 1
        if i < len(values) and i > 0:
            out.append(seps[i - 1])
    return "".join(out)


def mask(text: str) -> str:
    """`text` with ID-card, mobile and bank-card numbers and self-stated names replaced by
    labels such as `[身份证号]`. Idempotent: masking a masked text changes nothing."""
    if not text:
        return text
    folded = text.translate(_FOLD)
    masked = _DIGITS.sub(_mask_digits, folded)
    return _NAME.sub(lambda m: m.group(1) + NAME, masked)


def contains_pii(text: str) -> bool:
    """True when `mask` would change `text` (used by tests and by the log formatter's guard)."""
    return mask(text) != text.translate(_FOLD)


def safe_identifier(value: str | None) -> str | None:
    """A client-chosen identifier (a session id), or None when it holds personal data: it
    would be stored as a key, and a masked key would no longer match the client's, so the
    caller starts afresh instead."""
    return None if value is None or contains_pii(value) else value
