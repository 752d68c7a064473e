"""The state of one navigation conversation and what each step returns.

State is plain JSON in the store, so any API worker can continue any session. A pending
question keeps, for each option, the candidate keys that fit it: the answer filters by those
keys exactly as the counts shown to the user promised.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from zwfw.core.errors import InvalidQuery
from zwfw.core.records import App, Item
from zwfw.nav.bundles import Checklist


class Mode(StrEnum):
    """standard: up to 6 options; elder: up to 3 short options, easy to answer by voice."""

    STANDARD = "standard"
    ELDER = "elder"

    @classmethod
    def from_str(cls, value: str) -> Mode:
        try:
            return cls(value.strip().lower())
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise InvalidQuery(f"unknown mode {value!r}; valid modes: {valid}") from None

    @property
    def max_options(self) -> int:
        return 3 if self is Mode.ELDER else 6

    @property
    def max_label(self) -> int | None:
        return 6 if self is Mode.ELDER else None


@dataclass
class PendingOption:
    label: str
    values: list[str]
    keys: list[str]  # candidates (or, for a bundle, region codes) this answer keeps


@dataclass
class Pending:
    attr: str
    text: str
    options: list[PendingOption]


@dataclass
class Session:
    id: str
    need: str
    mode: str
    weights: dict[str, float] = field(default_factory=dict)  # candidate key → weight
    asked: list[str] = field(default_factory=list)
    pending: Pending | None = None
    questions: int = 0
    bundle_id: str | None = None
    region: str | None = None
    declined: bool = False  # 都不是 to a list of the candidates themselves: nothing fits

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        pending = data.get("pending")
        if pending is not None:
            options = [PendingOption(**o) for o in pending["options"]]
            data = {**data, "pending": Pending(pending["attr"], pending["text"], options)}
        return cls(**data)


@dataclass(frozen=True)
class OptionView:
    label: str
    count: int


@dataclass(frozen=True)
class CandidateView:
    id: str
    name: str
    region: str
    department: str
    share: float  # of the remaining weight, 0..1


@dataclass(frozen=True)
class NavResult:
    """Where navigation ends: the item(s), the apps that handle them, one materials list."""

    items: tuple[Item, ...]
    apps: tuple[App, ...]
    materials: tuple[str, ...]
    bundle: Checklist | None = None


@dataclass(frozen=True)
class NavStep:
    session_id: str
    question: str | None
    options: tuple[OptionView, ...]
    candidates: tuple[CandidateView, ...]
    result: NavResult | None = None
    message: str | None = None  # e.g. the answer was not understood
    attribute: str | None = None  # what the question is about (audience, region, …)
    questions_asked: int = 0
