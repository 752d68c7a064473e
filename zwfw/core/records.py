"""Typed records for the four document kinds; see docs/schema.md for the JSONL schema.

Records are frozen pydantic dataclasses: plain dataclasses inside the system, validated once
at the edge where source data enters (`Record` adapter below), with unknown keys rejected.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from zwfw.core.errors import InvalidRecord

_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DocKind(StrEnum):
    """The four searchable kinds of document."""

    ITEM = "item"
    APP = "app"
    FAQ = "faq"
    POLICY = "policy"

    @classmethod
    def from_str(cls, value: str) -> DocKind:
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(k.value for k in cls)
            raise InvalidRecord(f"unknown document kind {value!r}; valid kinds: {valid}") from None


NonEmpty = Annotated[str, Field(min_length=1)]


@dataclass(frozen=True, config=_CONFIG)
class Item:
    """A government service item (政务服务事项) with its service-guide fields."""

    id: NonEmpty
    name: NonEmpty
    item_type: NonEmpty
    department: NonEmpty
    region_code: NonEmpty
    region_name: NonEmpty
    level: NonEmpty
    audiences: tuple[str, ...]
    catalog_name: str = ""
    themes: tuple[str, ...] = ()
    variant: str | None = None
    conditions: str = ""
    materials: tuple[str, ...] = ()
    legal_time_limit: str = ""
    promised_time_limit: str = ""
    fee: str = ""
    location: str = ""
    online_available: bool = False
    online_url: str | None = None
    guide_url: str | None = None
    consult_phone: str | None = None
    complaint_phone: str | None = None
    keywords: tuple[str, ...] = ()
    kind: Literal["item"] = "item"

    @property
    def title(self) -> str:
        return self.name

    @property
    def url(self) -> str | None:
        return self.guide_url or self.online_url


@dataclass(frozen=True, config=_CONFIG)
class App:
    """A registered mobile government-service app or mini-program."""

    id: NonEmpty
    name: NonEmpty
    department: NonEmpty
    region_code: NonEmpty
    region_name: NonEmpty
    category: NonEmpty
    description: NonEmpty
    item_ids: tuple[str, ...] = ()
    entry_url: str | None = None
    mini_program_id: str | None = None
    kind: Literal["app"] = "app"

    @property
    def title(self) -> str:
        return self.name

    @property
    def url(self) -> str | None:
        return self.entry_url


@dataclass(frozen=True, config=_CONFIG)
class Faq:
    """A question-and-answer entry; expired entries are never answered from."""

    id: NonEmpty
    question: NonEmpty
    answer: NonEmpty
    department: str = ""
    region_code: str | None = None
    item_ids: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    expires_on: dt.date | None = None
    kind: Literal["faq"] = "faq"

    @property
    def title(self) -> str:
        return self.question

    @property
    def url(self) -> str | None:
        return None

    def is_live(self, today: dt.date) -> bool:
        """True when `today` lies inside the entry's effective window (both ends inclusive)."""
        if self.effective_from and today < self.effective_from:
            return False
        return not (self.expires_on and today > self.expires_on)


@dataclass(frozen=True, config=_CONFIG)
class Policy:
    """A policy (惠企惠民政策) with machine-readable eligibility conditions."""

    id: NonEmpty
    title: NonEmpty
    issuer: NonEmpty
    region_code: NonEmpty
    region_name: NonEmpty
    audience: Literal["person", "enterprise"]
    summary: NonEmpty
    doc_number: str | None = None
    issued_on: dt.date | None = None
    effective_from: dt.date | None = None
    expires_on: dt.date | None = None
    full_text: str = ""
    item_ids: tuple[str, ...] = ()
    eligibility: dict[str, Any] | None = None
    kind: Literal["policy"] = "policy"

    @property
    def department(self) -> str:
        return self.issuer

    @property
    def url(self) -> str | None:
        return None


Record = Item | App | Faq | Policy

_ADAPTER: TypeAdapter[Record] = TypeAdapter(
    Annotated[Item | App | Faq | Policy, Field(discriminator="kind")]
)


def parse_record(data: dict[str, Any]) -> Record:
    """Validate one canonical record (a dict with `kind`); raises InvalidRecord with reasons."""
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'record'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InvalidRecord(reasons) from None


def record_to_dict(record: Record) -> dict[str, Any]:
    """The canonical JSON-ready dict of a record (dates as ISO strings)."""
    return _ADAPTER.dump_python(record, mode="json")


def doc_key(kind: str, doc_id: str) -> str:
    """The key that is unique across kinds: an item and a FAQ may share an id string."""
    return f"{kind}:{doc_id}"
