"""Preferences read from the query: region, audience and variant words reorder siblings.

They are boosts, not filters: "广州 护照加注" puts Guangzhou's item first but still shows the
province's, because a citizen may be wrong about which level handles it. Only a filter the
user passes explicitly removes results.

A preference only reorders variants of the same service (same name once region, audience and
variant qualifiers are removed), inside the positions those variants already hold. On the dev
set a global score boost lifted unrelated items ("公司…" pulled every enterprise item up);
reordering siblings cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zwfw.core.records import Item, Record
from zwfw.core.regions import ancestors, find_span, within

# Multipliers on the fused RRF score; one rank step there is ≈1.6 %, so 1.2 moves a matching
# variant ahead of near-ties without lifting an unrelated document over a relevant one.
REGION, REGION_PARENT, AUDIENCE, VARIANT = 1.2, 1.05, 1.15, 1.2

_VARIANTS = {
    "首次": "首次|初次|新办|第一次|首办",
    "补领": "补领|补办|补发|补证|丢失|遗失|丢了|掉了|弄丢",
    "换领": "换领|换证|换发|到期|过期|期满|换新",
    "变更": "变更|更改|修改|改名|更名",
    "注销": "注销|取消|撤销|不用了",
    "延续": "延续|续期|延期|续签",
}
_VARIANT_RE = {name: re.compile(words) for name, words in _VARIANTS.items()}
_ENTERPRISE = re.compile("公司|企业|法人|个体户|个体工商户|商户|工厂")
# Catalogues list 自然人 for almost every item, so an enterprise variant is recognised by its
# audiences lacking 自然人 or by its name.
_ENTERPRISE_ITEM = re.compile("企业|单位|公司|法人|机构|纳税人")
_FOREIGNER = re.compile("外国人|外籍|老外|foreigner")


@dataclass(frozen=True)
class Preferences:
    region: str | None = None
    audience: str | None = None  # "法人" or "外国人"
    variant: str | None = None
    region_words: str = ""  # how the query named the region (广州, 广州市)

    @property
    def empty(self) -> bool:
        return self.region is None and self.audience is None and self.variant is None


def detect(text: str) -> Preferences:
    """What the (normalised) query says about where, who and which variant."""
    audience = "外国人" if _FOREIGNER.search(text) else "法人" if _ENTERPRISE.search(text) else None
    variant = next((name for name, rx in _VARIANT_RE.items() if rx.search(text)), None)
    region = find_span(text)
    return Preferences(
        region=region[0] if region else None,
        audience=audience,
        variant=variant,
        region_words=region[1] if region else "",
    )


def boost(record: Record, prefs: Preferences) -> float:
    """The score multiplier of `record` under `prefs` (1.0 when nothing applies)."""
    factor = 1.0
    region = getattr(record, "region_code", None)
    if prefs.region and region:
        if within(region, prefs.region):
            factor *= REGION
        elif region in ancestors(prefs.region):
            factor *= REGION_PARENT
    if isinstance(record, Item):
        if prefs.audience and _serves(record, prefs.audience):
            factor *= AUDIENCE
        if prefs.variant and _variant_of(record) == prefs.variant:
            factor *= VARIANT
    return factor


def _serves(item: Item, audience: str) -> bool:
    if audience == "外国人":
        return "外国人" in item.audiences or bool(_FOREIGNER.search(item.name))
    return "自然人" not in item.audiences or bool(_ENTERPRISE_ITEM.search(item.name))


def _variant_of(item: Item) -> str | None:
    if item.variant:
        return item.variant
    return next((name for name, rx in _VARIANT_RE.items() if rx.search(item.name)), None)


_QUALIFIERS = re.compile(r"[(（][^)）]*[)）]|" + "|".join(_VARIANTS.values()) + "|申领|办理|申请")


def sibling_key(record: Record) -> str:
    """Variants of one service share this key: 补发普通护照 and 换发普通护照 → 普通护照."""
    return f"{record.kind}:{_QUALIFIERS.sub('', record.title)}"


def reorder(records: list[Record], prefs: Preferences) -> list[int]:
    """A permutation of positions: within each group of siblings, preferred ones move to the
    group's best positions; everything else keeps its place."""
    groups: dict[str, list[int]] = {}
    for position, record in enumerate(records):
        groups.setdefault(sibling_key(record), []).append(position)
    order = list(range(len(records)))
    for positions in groups.values():
        if len(positions) > 1:
            ranked = sorted(positions, key=lambda p: (-boost(records[p], prefs), p))
            for slot, source in zip(positions, ranked, strict=True):
                order[slot] = source
    return order
