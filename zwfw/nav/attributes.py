"""Per-item facets that navigation asks about, read from the catalogue's own fields.

Narrowing needs no hand-written tree because every item already says who it serves, where it
is handled, which variant it is (首次/补领/…), which department handles it, its themes, and
where it sits in the catalogue: the catalogue entry (catalog_name), the service (the name
without its trailing "(情形)") and the case. Catalogues are patchy (almost every item lists
自然人; variants often live only in the name; a cold catalogue has only names, types and
departments), so each facet falls back to the name, and a facet an item is silent on is empty.
Nothing here is an arbitrary word of a name: every value is a field, a fixed vocabulary
(variants, audiences), or a whole structural part of the name.
"""

from __future__ import annotations

import re
from enum import StrEnum

from zwfw.core.records import Item
from zwfw.core.regions import ancestors, name_of

UNKNOWN: frozenset[str] = frozenset()  # an item that says nothing fits every answer


class Attr(StrEnum):
    """The facets a question can be about (`NavStep.attribute`)."""

    AUDIENCE = "audience"
    REGION = "region"
    VARIANT = "variant"
    DEPARTMENT = "department"
    THEME = "theme"
    CATALOG = "catalog"  # the catalogue entry (catalog_name), which siblings share
    SERVICE = "service"  # the name without its trailing case
    CASE = "case"  # the case in the name's trailing brackets: 退役军人持军队…


QUESTIONS: dict[Attr, tuple[str, str]] = {
    # (standard wording, elder wording: short, one idea, easy to answer by voice)
    Attr.AUDIENCE: ("您是以什么身份办理？", "您是谁来办？"),
    Attr.REGION: ("您要在哪个地区办理？", "在哪里办？"),
    Attr.VARIANT: ("您要办理的是哪一种情况？", "是哪种情况？"),
    Attr.DEPARTMENT: ("您要找哪个部门办理？", "找哪个部门？"),
    Attr.THEME: ("您的事情属于哪一类？", "是哪类事？"),
    Attr.CATALOG: ("您要办的是下面哪一类事项？", "是哪类事项？"),
    Attr.SERVICE: ("您要办的是下面哪一项？", "是哪一项？"),
    Attr.CASE: ("您属于下面哪种情形？", "是哪种情形？"),
}

# Name markers win over the audiences field: 驾驶证 items for foreigners list only 自然人.
# Values are the catalogue's own words (the marker found in the name, else the field's
# entries), so the citizen reads in their item's description the option they should pick.
_NAME_AUDIENCE = re.compile(
    "外国人|外籍人员|境外人员|港澳台居民|港澳居民|台湾居民|香港居民|澳门居民|大陆居民|内地居民"
)
# What each catalogue word means, for answers given in everyday words (answers.SYNONYMS).
AUDIENCE_MEANS = {
    "自然人": "个人",
    "大陆居民": "个人",
    "内地居民": "个人",
    "企业法人": "企业",
    "非法人企业": "企业",
    "事业法人": "企业",
    "社会组织法人": "企业",
    "其他组织": "企业",
    "外国人": "外国人",
    "外籍人员": "外国人",
    "境外人员": "外国人",
    "港澳台居民": "港澳台",
    "港澳居民": "港澳台",
    "台湾居民": "港澳台",
    "香港居民": "港澳台",
    "澳门居民": "港澳台",
}

# Order matters: 挂失补办 is 补领, not 注销; 有效期满换证 is 换领, not 延续.
VARIANT_WORDS: dict[str, str] = {
    "补领": "补领|补办|补发|补证|补换|遗失|丢失|挂失|丢了|掉了|弄丢",
    "换领": "换领|换证|换发|期满|到期|过期|换新",
    "注销": "注销|撤销|取消|离婚|不用了",
    "迁移": "迁移|迁出|迁入|转入|转出|转移",
    "变更": "变更|更改|更正|改名|更名|增加|增驾|修改",
    "延续": "延续|续期|延期|续签|签注",
    "查询": "查询|打印|进度|查一下|查看",
    "首次": "首次|初次|新办|首办|第一次|设立|新生儿|新开",
}
_VARIANT_RE = {name: re.compile(words) for name, words in VARIANT_WORDS.items()}
OTHER = "其他"


def audiences(item: Item) -> frozenset[str]:
    """Who applies, in the catalogue's words: the marker in the name (外国人, 港澳居民), else
    the audiences field (自然人, 企业法人…)."""
    named = set(_NAME_AUDIENCE.findall(item.name))
    return frozenset(named) if named else frozenset(item.audiences)


def variant_words(item: Item) -> dict[str, tuple[str, ...]]:
    """Each variant the item is (the field's, and every variant its name names: 往来港澳通行证
    签发（首次、换发、补发） is three) with the words the name uses for it, which are labels the
    citizen recognises in the name of what they want."""
    found = {name: rx.findall(item.name) for name, rx in _VARIANT_RE.items()}
    out = {name: tuple(dict.fromkeys(words)) for name, words in found.items() if words}
    if item.variant and item.variant not in out:  # the field says so though the name does not
        out[item.variant] = (item.variant,)
    return out


def variant_in(text: str) -> str | None:
    """The first variant whose words occur in `text` (an item name or a user's answer)."""
    return next((name for name, rx in _VARIANT_RE.items() if rx.search(text)), None)


_OPEN, _CLOSE = "(（", ")）"


def service_and_case(name: str) -> tuple[str, str | None]:
    """专职律师执业许可(申请专职执业) → (专职律师执业许可, 申请专职执业); without a trailing
    bracket, (name, None). Brackets nest (…（建筑类）(加建…《…》核发—…工程)), so the case is the
    last balanced group, and only when a service of two or more characters precedes it."""
    text = name.strip()
    at = _opening(text)
    if at is None:
        return text, None
    service, case = text[:at].strip(), text[at + 1 : -1].strip()
    if _opening(case) == 0:  # 法律援助律师执业许可(（占编人员）): one pair of brackets is enough
        case = case[1:-1].strip()
    return (service, case) if len(service) >= 2 and case else (text, None)


def _opening(text: str) -> int | None:
    """Where the bracket that closes `text` opens, if `text` ends with a closing bracket."""
    if not text or text[-1] not in _CLOSE:
        return None
    depth = 0
    for at in range(len(text) - 1, -1, -1):
        depth += (text[at] in _CLOSE) - (text[at] in _OPEN)
        if depth == 0:
            return at
    return None


def region_path(item: Item) -> str:
    """广东省广州市 rather than 广州市: the way catalogues write the area, and it names the
    province a city item also belongs to."""
    parents = [name_of(code) for code in reversed(ancestors(item.region_code)[1:])]
    return "".join(n for n in parents if not n.isdigit()) + item.region_name


def facets(item: Item) -> dict[Attr, frozenset[str]]:
    """Every attribute of `item` as a set of values (several for audience and theme; none
    when the catalogue does not say, so the item fits any answer)."""
    service, case = service_and_case(item.name)
    return {
        Attr.AUDIENCE: audiences(item),
        Attr.REGION: frozenset({region_path(item)}),
        Attr.VARIANT: frozenset(variant_words(item)),
        Attr.DEPARTMENT: frozenset({item.department}),
        Attr.THEME: frozenset(t for t in item.themes if t != OTHER),
        # The 33 licence items share the entry 机动车驾驶证核发; 13 of them are the service
        # 机动车驾驶证持军警驾驶证申领, each with its case.
        Attr.CATALOG: frozenset({item.catalog_name}) if item.catalog_name else UNKNOWN,
        Attr.SERVICE: frozenset({service}),
        Attr.CASE: frozenset({case}) if case else UNKNOWN,
    }


_DEPT_SHORT = (
    ("人力资源和社会保障", "人社"),
    ("市场监督管理", "市场监管"),
    ("医疗保障", "医保"),
    ("卫生健康委员会", "卫健委"),
    ("规划和自然资源", "规划资源"),
    ("残疾人联合会", "残联"),
    ("住房公积金管理中心", "公积金中心"),
    ("社会保险基金管理局", "社保局"),
)
_REGION_PREFIX = re.compile(r"^(国家税务总局)?([^省市]{2,3}(省|市))?")


def short_label(attr: Attr, value: str) -> str:
    """A few characters a person can say aloud: 广州市 → 广州, 广州市…社会保障局 → 人社局."""
    if attr is Attr.REGION:
        last = re.sub("^.+?(省|自治区)(?=.)", "", value)
        return re.sub("(省|市|自治区)$", "", last) or value
    if attr is Attr.DEPARTMENT:
        text = _REGION_PREFIX.sub("", value) or value
        for long, short in _DEPT_SHORT:
            text = text.replace(long, short)
        return text
    return value
