"""The profile record: validated stored fields, consent per field, and facts per purpose.

Profiles store stable facts (birth year, children's birth years, founding date) and derive
ages on the day they are used, so nothing needs rewriting as time passes. Facts are handed
out per purpose, and a field without consent for that purpose is simply absent (unknown).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zwfw.core.errors import InvalidRecord
from zwfw.personal.fields import CHOICES, RULE_FIELDS, STORED, Audience, Kind, Purpose

_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_ID_CARD = re.compile(r"\d{17}[\dX]")


@dataclass(frozen=True)
class Profile:
    """A person's or an enterprise's profile as stored (never holds an ID-card number)."""

    user_id: str
    audience: Audience
    values: Mapping[str, Any]
    consents: Mapping[str, frozenset[Purpose]]
    id_card_on_file: bool
    updated_at: dt.datetime

    def facts(self, purpose: Purpose, today: dt.date) -> dict[str, Any]:
        """Rule-field facts usable for `purpose`; unconsented or missing fields are absent."""
        facts: dict[str, Any] = {}
        for spec in RULE_FIELDS[self.audience].values():
            value = self.values.get(spec.source)
            if value is not None and purpose in self.consents.get(spec.source, ()):
                facts[spec.name] = derive(spec.name, value, today)
        return facts


def derive(field: str, value: Any, today: dt.date) -> Any:
    """A rule field from its stored source: ages are the age reached in `today`'s year."""
    if field == "age":
        return today.year - value
    if field == "children_ages":
        return tuple(today.year - year for year in value)
    if field == "years_since_founded":
        return full_years(value, today)
    return value


def full_years(since: dt.date, today: dt.date) -> int:
    """Whole years from `since` to `today` (the yyyymmdd difference, as the SQL computes it)."""
    return (ymd(today) - ymd(since)) // 10000


def ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def normalise_values(audience: Audience, raw: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """Validated stored fields (None values dropped); InvalidRecord names the bad field."""
    kinds = dict(STORED[audience])
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in kinds:
            raise InvalidRecord(
                f"unknown {audience} profile field {name!r}; known: {', '.join(kinds)}"
            )
        if value is None:
            continue
        try:
            values[name] = _check(name, kinds[name], value, today)
        except (TypeError, ValueError) as exc:
            raise InvalidRecord(f"profile field {name}: {exc}") from None
    return values


def normalise_consents(audience: Audience, raw: Mapping[str, Any]) -> dict[str, frozenset[Purpose]]:
    """Consent purposes per stored field; unknown fields or purposes are errors."""
    kinds = dict(STORED[audience])
    consents: dict[str, frozenset[Purpose]] = {}
    for name, purposes in raw.items():
        if name not in kinds:
            raise InvalidRecord(f"consent for unknown {audience} profile field {name!r}")
        try:
            consents[name] = frozenset(Purpose(p) for p in purposes)
        except ValueError:
            valid = ", ".join(p.value for p in Purpose)
            raise InvalidRecord(f"consent for {name}: valid purposes are {valid}") from None
    return consents


def normalise_id_card(number: str) -> str:
    """An ID-card number in canonical form (18 characters, upper-case X)."""
    text = number.strip().upper()
    if not _ID_CARD.fullmatch(text):
        raise InvalidRecord("an ID-card number has 17 digits and a final digit or X")
    return text


def _check(name: str, kind: Kind, value: Any, today: dt.date) -> Any:
    if kind is Kind.INT_LIST:
        return tuple(sorted(_check(name, Kind.INT, v, today) for v in _list(value)))
    if kind is Kind.TEXT_LIST:
        items = {_text(v) for v in _list(value)}
        if any("|" in v for v in items):  # "|" separates list entries in storage
            raise ValueError("list entries may not contain '|'")
        return tuple(sorted(items))
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if kind is Kind.DATE:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(_text(value))
        if day > today:
            raise ValueError("a date in the future")
        return day
    if kind in (Kind.INT, Kind.FLOAT):
        return _number(name, kind, value, today)
    text = _text(value)
    if kind is Kind.REGION and not re.fullmatch(r"\d{6}", text):
        raise ValueError("a region is a 6-digit division code")
    if name in CHOICES and text not in CHOICES[name]:
        raise ValueError(f"valid values: {', '.join(CHOICES[name])}")
    if name == "credit_code" and not _CREDIT_CODE.fullmatch(text):
        raise ValueError("a unified social credit code has 18 characters")
    return text


def _number(name: str, kind: Kind, value: Any, today: dt.date) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number")
    if kind is Kind.INT and not isinstance(value, int):
        raise TypeError("expected a whole number")
    low, high = {
        "birth_year": (1900, today.year),
        "children_birth_years": (1900, today.year),
        "disability_level": (1, 4),
        "laid_off_rate": (0, 1),
    }.get(name, (0, 10**12))
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}")
    return float(value) if kind is Kind.FLOAT else value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise TypeError("expected a list")
    return list(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("expected non-empty text")
    return value.strip()
