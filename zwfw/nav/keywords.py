"""Keyword questions built from the candidates' own names, for variants no field separates.

The 驾驶证 catalogue has 37 items with the same department, audience (自然人) and theme; what
separates them is in the name: 初次申领 / 持境外驾驶证 / 持军警驾驶证, 小型汽车 / 摩托车. A
family of words that never occur together in one name is a question with exclusive options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from zwfw.core.regions import find_in_text
from zwfw.nav.attributes import OTHER, Attr, variant_in

MAX_VALUES = 5  # words per family; the rest of the candidates answer 其他
SEEDS = 4  # families tried per step, one per seed word; information gain picks among them
_GENERIC = frozenset({"申请", "办理", "服务", "事项", "登记", "中华人民共和国", "证明"})


def keyword_facets(
    names: Mapping[str, str],
    weights: Mapping[str, float],
    words: Callable[[str], list[str]],
    variant_words: bool = False,
) -> dict[str, dict[str, frozenset[str]]]:
    """For each candidate key, its value in each keyword family ("keyword:<seed>" → {word}).

    Variant words (补发, 迁入) are left to the variant question until it has been asked; after
    it, they are what tells 迁出 from 迁入.
    """
    tokens = {key: _tokens(name, words, variant_words) for key, name in names.items()}
    total = sum(weights.values()) or 1.0
    mass: dict[str, float] = {}
    holders: dict[str, set[str]] = {}
    for key, toks in tokens.items():
        for tok in toks:
            mass[tok] = mass.get(tok, 0.0) + weights[key]
            holders.setdefault(tok, set()).add(key)
    useful = [t for t in mass if len(holders[t]) < len(names)]
    by_balance = sorted(useful, key=lambda t: (abs(mass[t] / total - 0.5), t))
    by_mass = sorted(useful, key=lambda t: (-mass[t], t))
    out: dict[str, dict[str, frozenset[str]]] = {key: {} for key in names}
    seen: set[tuple[str, ...]] = set()
    for seed in by_balance[:SEEDS]:
        family = _family(seed, by_mass, holders)
        if len(family) < 1 or tuple(sorted(family)) in seen:
            continue
        seen.add(tuple(sorted(family)))
        attr = f"{Attr.KEYWORD.value}:{seed}"
        for key, toks in tokens.items():
            hit = next((t for t in family if t in toks), OTHER)
            out[key][attr] = frozenset({hit})
    return out


def _family(seed: str, by_mass: list[str], holders: Mapping[str, set[str]]) -> list[str]:
    """The seed plus the heaviest words that never share a name with a word already chosen."""
    family, covered = [seed], set(holders[seed])
    for tok in by_mass:
        if len(family) >= MAX_VALUES:
            break
        if tok not in family and not holders[tok] & covered:
            family.append(tok)
            covered |= holders[tok]
    return family


def _tokens(name: str, words: Callable[[str], list[str]], variant_words: bool) -> set[str]:
    """Words worth offering; region words are left to the region question."""
    return {
        w
        for w in words(name)
        if len(w) >= 2
        and w not in _GENERIC
        and (variant_words or variant_in(w) is None)
        and find_in_text(w) is None
    }
