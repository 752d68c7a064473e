"""Search filters: one object that both the lexical query and the vector post-filter obey."""

from __future__ import annotations

from dataclasses import dataclass

from zwfw.core.records import DocKind, Item, Policy, Record
from zwfw.core.regions import within


@dataclass(frozen=True)
class SearchFilters:
    """Hard filters chosen by the user. Empty fields filter nothing.

    `region` is containment: 440000 keeps Guangdong's province items and every city's.
    """

    kinds: tuple[DocKind, ...] = ()
    region: str | None = None
    department: str | None = None
    audience: str | None = None
    item_type: str | None = None
    online: bool | None = None

    @property
    def narrows_beyond_kind(self) -> bool:
        return any(
            v is not None
            for v in (self.region, self.department, self.audience, self.item_type, self.online)
        )

    def lexical(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if self.kinds:
            out["kind"] = [k.value for k in self.kinds]
        if self.region:
            out["region"] = [self.region]
        if self.department:
            out["department"] = [self.department]
        if self.audience:
            out["audience"] = [self.audience]
        if self.item_type:
            out["item_type"] = [self.item_type]
        if self.online is not None:
            out["online"] = ["1" if self.online else "0"]
        return out

    def matches(self, record: Record) -> bool:
        """The same rules as `lexical()`, applied to a record (for vector candidates)."""
        if self.kinds and record.kind not in self.kinds:
            return False
        region = getattr(record, "region_code", None)
        if self.region and not (region and within(region, self.region)):
            return False
        if self.department and record.department != self.department:
            return False
        if self.audience and self.audience not in _audiences(record):
            return False
        if self.item_type and getattr(record, "item_type", None) != self.item_type:
            return False
        return self.online is None or (
            isinstance(record, Item) and record.online_available == self.online
        )


def _audiences(record: Record) -> tuple[str, ...]:
    if isinstance(record, Item):
        return record.audiences
    if isinstance(record, Policy):
        return ("自然人",) if record.audience == "person" else ("企业法人",)
    return ()
