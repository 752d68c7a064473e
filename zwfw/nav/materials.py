"""Merging materials lists: one 居民身份证 line, however many steps ask for it.

Catalogues write the same document many ways (申请人有效身份证件原件, 居民身份证（原件）,
身份证复印件), so entries are compared by a key with qualifiers removed; an entry whose key
contains an earlier entry's key (父母双方居民身份证 after 居民身份证), or is contained in
it (户口簿 after 居民户口簿), is folded into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from zwfw.models import normalize

_BRACKETS = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]")
_QUALIFIERS = re.compile(
    "原件及复印件|原件和复印件|原件|复印件|正本|副本|有效的|有效|一份|1份|各一份|信息$|"
    "申请人|本人|父母双方|夫妻双方|双方|父母一方|父母|夫妻|新生儿|的"
)
_PARTS = re.compile("和|及|与|、")
_PUNCT = re.compile(r"[\s，。、,.;；:：“”\"'《》]+")
_ALIASES = (("身份证件", "身份证"), ("居民身份证", "身份证"), ("户口本", "户口簿"))


def material_key(text: str) -> str:
    """The comparable core of a material: 申请人居民身份证（原件） → 身份证."""
    key = _QUALIFIERS.sub("", _BRACKETS.sub("", normalize(text)))
    key = _PUNCT.sub("", key)
    for long, short in _ALIASES:
        key = key.replace(long, short)
    return key or normalize(text)


def merge_materials(lists: Iterable[Iterable[str]], fixed: Sequence[str] = ()) -> list[str]:
    """Every material once, in first-seen order; the first wording of a document is kept.

    `fixed` (a bundle's shared materials, written by an editor) is kept whole and first: 逝者
    居民身份证 and 经办人居民身份证 are two documents even though their keys are close.
    """
    kept: list[tuple[str, str]] = [(material_key(t), t.strip()) for t in dict.fromkeys(fixed)]
    for materials in lists:
        for text in materials:
            # 父母身份证和户口簿 is two documents: dropped only when both are already listed.
            keys = [material_key(part) for part in _PARTS.split(text) if part.strip()]
            if not all(any(_same(key, k) for k, _ in kept) for key in keys):
                kept.append((material_key(text), text.strip()))
    return [text for _, text in kept]


def _same(key: str, earlier: str) -> bool:
    """Equal, or one names the other (居民户口簿 / 户口簿): short keys only fold one way."""
    return (
        key == earlier
        or (len(earlier) >= 2 and earlier in key)
        or (len(key) >= 3 and key in earlier)
    )
