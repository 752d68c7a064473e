"""What each kind of curation proposal carries, checked before it becomes a draft.

Proposals are stored as JSON so a new kind needs no migration; this module is the schema.
Checks here are structural; the target store applies its own rules when a proposal is
published (the synonym store refuses cycles, for example).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from zwfw.core.errors import InvalidRecord

MAX_TEXT = 2000


class ProposalKind(StrEnum):
    SYNONYM = "synonym"  # {"kind": "equivalent"|"oneway", "terms": [...]}
    FAQ = "faq"  # {"question": ..., "answer": ...}
    NAV_HINT = "nav_hint"  # {"query": ..., "target_type": ..., "target_id": ...}


_FIELDS: Mapping[ProposalKind, tuple[str, ...]] = {
    ProposalKind.SYNONYM: ("kind", "terms"),
    ProposalKind.FAQ: ("question", "answer"),
    ProposalKind.NAV_HINT: ("query", "target_type", "target_id"),
}


def validate(kind: ProposalKind, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload with exactly the kind's fields, strings stripped; `InvalidRecord` says
    which field is missing or malformed."""
    unknown = set(payload) - set(_FIELDS[kind])
    if unknown:
        raise InvalidRecord(f"unknown {kind.value} fields: {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for name in _FIELDS[kind]:
        value = payload.get(name)
        if name == "terms":
            clean[name] = _terms(value)
        else:
            clean[name] = _text(name, value)
    if kind is ProposalKind.SYNONYM and clean["kind"] not in ("equivalent", "oneway"):
        raise InvalidRecord("a synonym's kind is equivalent or oneway")
    if kind is ProposalKind.NAV_HINT and clean["target_type"] not in ("item", "bundle"):
        raise InvalidRecord("a navigation hint's target_type is item or bundle")
    return clean


def _text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(f"{name} must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise InvalidRecord(f"{name} is longer than {MAX_TEXT} characters")
    return value.strip()


def _terms(value: object) -> list[str]:
    if not isinstance(value, list) or len(value) < 2:
        raise InvalidRecord("terms must be a list of at least two strings")
    return [_text("each term", t) for t in value]
