"""Mapping a typed or spoken answer to one of the options a step offered.

Elderly users answer by voice: "第一个", "企业", "广州", "丢了", "不知道". Speech recognition
adds filler and sometimes traditional characters, so answers are normalised and matched by
ordinal, label, synonym, region name and variant word before a last fuzzy comparison.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from zwfw.core.regions import find_span, name_of
from zwfw.models import normalize
from zwfw.nav.attributes import AUDIENCE_MEANS, OTHER, variant_in
from zwfw.nav.narrow import WAY_OUT, Option

_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_ORDINAL = re.compile(r"第\s*([一二两三四五六1-6])|^([一二三四五六1-6])\s*(个|项|种|号)?$")
_LAST = re.compile("最后一(个|项|种)")
_SKIP = re.compile("不知道|不清楚|不确定|都可以|都行|随便|跳过|不晓得|说不清|不懂")
_PUNCT = re.compile(r"[\s，。！？、,.!?：:；;~“”\"'（）()]+")
_FILLER = re.compile("^(嗯+|啊+|呃+|那个|就是|我选|选|我要|我是|是)+|(吧|啊|呀|的|哦)+$")
SYNONYMS: dict[str, str] = {
    "个人": "个人|我自己|自己|本人|私人|老百姓|居民|自然人|市民",
    "企业": "企业|公司|单位|法人|工厂|个体|商户|老板|店",
    "外国人": "外国人|外国|外籍|老外|国外",
    "港澳台": "港澳台|香港|澳门|台湾",
    OTHER: "其他|其它|别的|都不是|以上都不|都没有|不是这些",
}
SYNONYMS[WAY_OUT] = SYNONYMS[OTHER]
SYNONYMS.update({word: SYNONYMS[means] for word, means in AUDIENCE_MEANS.items()})


@dataclass(frozen=True)
class Answer:
    """The option chosen, or `skip` when the user does not know; neither when not understood."""

    option: Option | None = None
    skip: bool = False

    @property
    def understood(self) -> bool:
        return self.option is not None or self.skip


def match_answer(text: str, options: Sequence[Option]) -> Answer:
    """The option `text` picks out of `options` (in the order they were shown)."""
    said = _clean(text)
    if not said or not options:
        return Answer()
    for rule in (_by_label, _by_ordinal, _by_synonym, _by_region, _by_variant, _by_overlap):
        option = rule(said, options)
        if option is not None:
            return Answer(option)
    return Answer(skip=bool(_SKIP.search(said)))


def _clean(text: str) -> str:
    return _FILLER.sub("", _PUNCT.sub("", normalize(text)))


def _by_label(said: str, options: Sequence[Option]) -> Option | None:
    """The label said exactly (punctuation aside: 个人权益记录（参保证明）查询打印), else the one
    label inside the answer, else the one label the answer is part of."""
    labels = {o: _clean(o.label) for o in options}
    exact = [o for o in options if said in (labels[o], *map(_clean, o.values))]
    if exact:
        return exact[0]
    inside = [o for o in options if len(labels[o]) >= 2 and labels[o] in said]
    if len(inside) > 1:  # 律师执业变更审核(市内转所) contains 律师执业变更审核: the longer
        inside = [o for o in inside if not any(labels[o] in labels[p] for p in inside if p != o)]
    if not inside and len(said) >= 2:
        inside = [o for o in options if said in labels[o]]
    return inside[0] if len(inside) == 1 else None


def _by_ordinal(said: str, options: Sequence[Option]) -> Option | None:
    if _LAST.search(said):
        return options[-1]
    found = _ORDINAL.search(said)
    if not found:
        return None
    digit = found.group(1) or found.group(2)
    position = int(digit) if digit.isdigit() else _NUMERALS[digit]
    return options[position - 1] if 1 <= position <= len(options) else None


def _by_synonym(said: str, options: Sequence[Option]) -> Option | None:
    hits = [o for o in options if o.label in SYNONYMS and re.search(SYNONYMS[o.label], said)]
    # 公司 names 企业法人 and 非法人企业 alike: the first (heaviest) of one meaning is meant.
    return hits[0] if hits and len({SYNONYMS[o.label] for o in hits}) == 1 else None


def _by_region(said: str, options: Sequence[Option]) -> Option | None:
    span = find_span(said)
    if span is None:
        return None
    name = name_of(span[0])
    hits = [o for o in options if name in o.values or o.label in name]
    return hits[0] if hits else None


def _by_variant(said: str, options: Sequence[Option]) -> Option | None:
    variant = variant_in(said)
    hits = [o for o in options if variant and variant in (*o.values, variant_in(o.label))]
    return hits[0] if len(hits) == 1 else None


def _by_overlap(said: str, options: Sequence[Option]) -> Option | None:
    """Most of the label's characters heard, in any order: speech drops and swaps characters.
    Two shared characters at least, so 补领 never picks 换领 for its 领."""
    scored = []
    for option in options:
        shared = len(set(said) & set(option.label))
        if shared >= 2:
            scored.append((shared / len(set(option.label)), option))
    best = max(scored, key=lambda s: s[0], default=None)
    rivals = [s for s in scored if best and s[0] == best[0]]
    return best[1] if best and best[0] >= 0.6 and len(rivals) == 1 else None
