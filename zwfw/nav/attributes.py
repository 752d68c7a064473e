"""Per-item attributes that navigation asks about, read from the catalogue's own fields.

Narrowing needs no hand-written tree because every item already says who it serves, where it
is handled, which variant it is (首次/补领/…), which department handles it and its themes.
Catalogues are patchy (almost every item lists 自然人; variants often live only in the name),
so each attribute falls back to the item's name.
"""

from __future__ import annotations

import re
from enum import StrEnum

from zwfw.core.records import Item

UNKNOWN: frozenset[str] = frozenset()  # an item that says nothing fits every answer


class Attr(StrEnum):
    """The attributes a question can be about; KEYWORD questions are built per candidate set."""

    AUDIENCE = "audience"
    REGION = "region"
    VARIANT = "variant"
    DEPARTMENT = "department"
    THEME = "theme"
    KEYWORD = "keyword"


QUESTIONS: dict[Attr, tuple[str, str]] = {
    # (standard wording, elder wording: short, one idea, easy to answer by voice)
    Attr.AUDIENCE: ("您是以什么身份办理？", "您是谁来办？"),
    Attr.REGION: ("您要在哪个地区办理？", "在哪里办？"),
    Attr.VARIANT: ("您要办理的是哪一种情况？", "是哪种情况？"),
    Attr.DEPARTMENT: ("您要找哪个部门办理？", "找哪个部门？"),
    Attr.THEME: ("您的事情属于哪一类？", "是哪类事？"),
    Attr.KEYWORD: ("您要办的事项与下面哪一项有关？", "跟哪个有关？"),
}

# Name markers win over the audiences field: 驾驶证 items for foreigners list only 自然人.
_NAME_AUDIENCE = (
    ("外国人", re.compile("外国人|外籍|境外人员|外交人员|外商")),
    ("港澳台", re.compile("港澳台|港澳居民|台湾居民|香港居民|澳门居民")),
    ("个人", re.compile("大陆居民|内地居民|公民|个人|自然人")),
    ("企业", re.compile("企业|单位|公司|法人|纳税人|机构")),
)
_FIELD_AUDIENCE = {
    "自然人": "个人",
    "企业法人": "企业",
    "非法人企业": "企业",
    "事业法人": "企业",
    "社会组织法人": "企业",
    "其他组织": "企业",
    "外国人": "外国人",
    "港澳台居民": "港澳台",
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
    """个人 / 企业 / 外国人 / 港澳台: what the name says, else what the catalogue lists."""
    name = item.name.replace("企业职工", "")  # 企业职工养老金 is claimed by a person
    named = {label for label, rx in _NAME_AUDIENCE if rx.search(name)}
    if named:
        return frozenset(named)
    return frozenset(_FIELD_AUDIENCE[a] for a in item.audiences if a in _FIELD_AUDIENCE)


def variant(item: Item) -> str:
    """The variant from the catalogue field, else from the name; 其他 when neither says."""
    if item.variant:
        return item.variant
    return variant_in(item.name) or OTHER


def variant_in(text: str) -> str | None:
    """The first variant whose words occur in `text` (an item name or a user's answer)."""
    return next((name for name, rx in _VARIANT_RE.items() if rx.search(text)), None)


def facets(item: Item) -> dict[Attr, frozenset[str]]:
    """Every fixed attribute of `item` as a set of values (several for audience and theme)."""
    return {
        Attr.AUDIENCE: audiences(item),
        Attr.REGION: frozenset({item.region_name}),
        Attr.VARIANT: frozenset({variant(item)}),
        Attr.DEPARTMENT: frozenset({item.department}),
        Attr.THEME: frozenset(item.themes),
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
        return re.sub("(省|市|自治区)$", "", value) or value
    if attr is Attr.DEPARTMENT:
        text = _REGION_PREFIX.sub("", value) or value
        for long, short in _DEPT_SHORT:
            text = text.replace(long, short)
        return text
    return value
