"""Variants of one service (首次/补领, 个人/单位, one city or another) and how to choose.

When variants disagree on what was asked, the assistant asks which one is meant instead of
picking one at random: the fee of a first passport is not the fee of a replacement, and
Guangzhou's office is not Shenzhen's. When they agree, it answers at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwfw.chat.confidence import base_name
from zwfw.chat.sessions import SessionState
from zwfw.core.records import Item
from zwfw.core.regions import ancestors, within
from zwfw.search.preferences import Preferences

VARIANT_LABELS = {
    "首次": "第一次办",
    "补领": "丢失补办",
    "换领": "到期换证",
    "变更": "信息变更",
    "注销": "注销",
    "延续": "延期续办",
    "查询": "查询打印",
}
AUDIENCE_LABELS = {"person": "个人办理", "enterprise": "单位办理"}
# The order in which a choice is asked for: what to do, for whom, then where.
DIMENSIONS = ("variant", "audience", "region", "name")
_PERSON = re.compile("个人|自己|本人|我自己")


def group_key(item: Item) -> str:
    """Items of one catalogue entry are variants of the same service."""
    return item.catalog_name or item.name


def group_of(item: Item, items: list[Item]) -> list[Item]:
    """`item` and the other variants of its catalogue entry among `items`."""
    key = group_key(item)
    return [item, *[i for i in items if group_key(i) == key and i.id != item.id]]


def remember(state: SessionState, text: str, prefs: Preferences) -> None:
    """What this message says about region, variant and audience, kept for the session."""
    if prefs.region:
        state.region = prefs.region
    if prefs.variant:
        state.choices["variant"] = prefs.variant
    if prefs.audience == "法人":
        state.choices["audience"] = "enterprise"
    elif _PERSON.search(text):
        state.choices["audience"] = "person"


def strip_choices(text: str, prefs: Preferences) -> str:
    """The text without the words that only name a region, a variant or an audience: what
    is left shows whether the message names a service of its own."""
    if prefs.region_words:
        text = text.replace(prefs.region_words, "")
    return re.sub(
        "首次|第一次|补办|补领|补发|丢了|丢失|换证|换领|到期|个人|单位|公司|企业", "", text
    )


def audience_of(item: Item) -> str:
    return "person" if "自然人" in item.audiences else "enterprise"


def value_of(item: Item, dimension: str) -> str:
    if dimension == "variant":
        return item.variant or ""
    if dimension == "audience":
        return audience_of(item)
    if dimension == "region":
        return item.region_code
    # By name without qualifiers: the same service in two cities is one choice of name.
    return base_name(item.name)


def label_of(item: Item, dimension: str) -> str:
    if dimension == "variant":
        # An item without a variant is a service of its own (社保卡挂失): named by its title.
        return VARIANT_LABELS.get(item.variant, item.variant) if item.variant else item.name
    if dimension == "audience":
        return AUDIENCE_LABELS[audience_of(item)]
    if dimension == "region":
        return item.region_name
    return item.name


def narrow(items: list[Item], choices: dict[str, str], region: str | None) -> list[Item]:
    """The items that fit what the citizen said; a choice that fits none is ignored, so a
    wrong guess never empties the answer."""
    for dimension in ("variant", "audience", "name"):
        wanted = choices.get(dimension)
        kept = [i for i in items if wanted and value_of(i, dimension) == wanted]
        items = kept or items
    if region:
        inside = [i for i in items if within(i.region_code, region)]
        above = [i for i in items if i.region_code in ancestors(region)]
        items = inside or above or items
    return items


@dataclass(frozen=True)
class Choice:
    """A clarification: which dimension to ask about and the labelled values to offer."""

    dimension: str
    options: dict[str, str]  # label → value


def choice_between(items: list[Item]) -> Choice | None:
    """The first dimension on which `items` differ, with one option per distinct value."""
    for dimension in DIMENSIONS:
        options: dict[str, str] = {}
        for item in items:
            options.setdefault(label_of(item, dimension), value_of(item, dimension))
        if len(set(options.values())) > 1:
            return Choice(dimension, options)
    return None


QUESTIONS = {
    "variant": "请问您是哪种情况？",
    "audience": "请问是个人办理还是单位办理？",
    "region": "请问您在哪个城市办理？",
    "name": "请问您问的是哪一项？",
}
