"""Administrative division codes (GB/T 2260): names, parsing and containment."""

from __future__ import annotations

import re

from zwfw.core.divisions import CITIES, PROVINCES, SPECIAL
from zwfw.core.errors import InvalidQuery

NATIONAL = "100000"


# The districts of the demo catalogue's cities (the cities themselves are in `divisions`).
_DISTRICTS = {
    "440103": "荔湾区", "440104": "越秀区", "440106": "天河区", "440111": "白云区",
    "440303": "罗湖区", "440304": "福田区", "440305": "南山区", "330106": "西湖区",
}  # fmt: skip

NAMES: dict[str, str] = {NATIONAL: "全国", **PROVINCES, **SPECIAL, **CITIES, **_DISTRICTS}
_SUFFIX = re.compile(r"(省|市|区|县|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")
# Cities whose short name is also an everyday word or another place (朝阳 is a district of
# Beijing, 安康 a greeting, 白银 silver; 医保定点 holds 保定, 普通化装品 通化, 三明治 三明):
# named only in full (朝阳市).
_FULL_NAME_ONLY = frozenset(
    "朝阳 开封 来宾 白银 普洱 北海 大同 安康 长治 吉安 黄山 白山 金华 三沙 中卫 宁德 四平 "
    "玉林 白城 海东 山南 保定 日照 通化 三明 "
    # and the places in document names: 港澳通行证, 往来台湾通行证 name no place of service
    "香港 澳门 台湾".split()
)
_BY_SHORT = {
    short: c for c, n in NAMES.items() if (short := _SUFFIX.sub("", n)) not in _FULL_NAME_ONLY
} | {n: c for c, n in NAMES.items()}
# A place name that qualifies a street, school or other institution names no region:
# 北京路派出所 is in Guangzhou, 吉林大学 a university.
_INSTITUTION = re.compile(r"(路|街|大道|大街|巷|大学|学院|小学|中学|医院|公园|广场|大厦|银行|站)")


def name_of(code: str) -> str:
    return NAMES.get(code, code)


def ancestors(code: str) -> list[str]:
    """The code and every division containing it, narrowest first.

    440106 → [440106, 440100, 440000].
    """
    if code == NATIONAL or not re.fullmatch(r"\d{6}", code):
        return [code]
    out = [code]
    city, province = code[:4] + "00", code[:2] + "0000"
    for parent in (city, province):
        if parent not in out:
            out.append(parent)
    return out


def within(code: str, container: str) -> bool:
    """True when `code` lies inside `container` (a region is within itself; all within 全国)."""
    return container == NATIONAL or container in ancestors(code)


def parse_region(value: str) -> str:
    """A region given as a 6-digit code or a name (广州, 广州市, 广东省) → its code."""
    value = value.strip()
    if re.fullmatch(r"\d{6}", value):
        return value
    code = _BY_SHORT.get(value) or _BY_SHORT.get(_SUFFIX.sub("", value))
    if code is None:
        raise InvalidQuery(f"unknown region {value!r}: give a 6-digit division code or a name")
    return code


def find_in_text(text: str) -> str | None:
    """The most specific region named in free text (广州 护照加注 → 440100), if any."""
    found = find_span(text)
    return found[0] if found else None


def find_span(text: str) -> tuple[str, str] | None:
    """(code, the words naming it) for the most specific region named in `text`."""
    best: tuple[int, int, str, str] | None = None
    for short, code in _BY_SHORT.items():
        if len(short) >= 2 and (short in text if code == NATIONAL else _names(text, short)):
            level = 0 if code.endswith("0000") else 1 if code.endswith("00") else 2
            rank = (level, len(short), code, short)
            if best is None or rank[:2] > best[:2]:
                best = rank
    return (best[2], best[3]) if best else None


def _names(text: str, place: str) -> bool:
    """True when `place` occurs in `text` other than as the first word of a street's or an
    institution's name."""
    start = text.find(place)
    while start >= 0:
        if not _INSTITUTION.match(text, start + len(place)):
            return True
        start = text.find(place, start + 1)
    return False
