"""Items grouped by catalogue, and the choice of the regional variant a user should see.

The same service (e.g. 居民身份证申领) is published once per region; recommendations name
the catalogue and then pick the variant whose region is the narrowest one containing the
user's region (district, then city, province, 全国), so a 天河区 resident gets 广州's item.
"""

from __future__ import annotations

from collections.abc import Iterable

from zwfw.core.records import Item
from zwfw.core.regions import NATIONAL, ancestors
from zwfw.personal.fields import Audience

_AUDIENCES: dict[str, frozenset[str]] = {
    "person": frozenset({"自然人"}),
    "enterprise": frozenset({"企业法人", "非法人企业"}),
}
# Among variants of one region, the one a newcomer most likely needs comes first.
_VARIANT_ORDER = ("首次", None, "变更", "换领", "延续", "补领", "查询", "注销")


def catalog_of(item: Item) -> str:
    return item.catalog_name or item.name


class Catalogue:
    def __init__(self, items: Iterable[Item]) -> None:
        self._by_id = {item.id: item for item in items}
        self._by_catalog: dict[str, list[Item]] = {}
        for item in self._by_id.values():
            self._by_catalog.setdefault(catalog_of(item), []).append(item)

    def get(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def variant(self, catalog: str, region: str | None, audience: Audience) -> Item | None:
        """The catalogue's item for a user in `region`, None when no variant covers it.

        Without a region (a user who shared none), the broadest variant is chosen.
        """
        best: tuple[int, int, str] | None = None
        chosen = None
        for item in self._by_catalog.get(catalog, ()):
            if not _AUDIENCES[audience] & set(item.audiences):
                continue
            rank = _region_rank(item.region_code, region)
            if rank is None:
                continue
            order = _VARIANT_ORDER.index(item.variant) if item.variant in _VARIANT_ORDER else 9
            key = (rank, order, item.id)
            if best is None or key < best:
                best, chosen = key, item
        return chosen


def applies_to(item: Item, region: str) -> bool:
    """True when the item serves residents of `region` (its region contains theirs)."""
    return _region_rank(item.region_code, region) is not None


def _region_rank(item_region: str, user_region: str | None) -> int | None:
    if user_region is None:
        # Broadest first: 全国 (0), a province (1), a city (2), a district (3).
        if item_region == NATIONAL:
            return 0
        return 1 if item_region.endswith("0000") else 2 if item_region.endswith("00") else 3
    chain = ancestors(user_region)
    if item_region in chain:
        return chain.index(item_region)
    return len(chain) if item_region == NATIONAL else None
