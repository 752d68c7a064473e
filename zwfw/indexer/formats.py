"""Per-record format detection and conversion of the real source formats to canonical records."""

from __future__ import annotations

from typing import Any

from zwfw.core.errors import InvalidRecord
from zwfw.core.records import Record, parse_record

_GD_AREAS = {"广东省": ("440000", "广东省"), "广东省广州市": ("440100", "广州市")}
_NONE = {"", "无", "null", "None"}


def detect(data: dict[str, Any]) -> str:
    """`canonical`, `guangdong_item` or `beijing_faq`; detected per record, so files may mix."""
    if "kind" in data:
        return "canonical"
    if "item_code" in data and "catalog_name" in data:
        return "guangdong_item"
    if "question" in data and "answer" in data:
        return "beijing_faq"
    raise InvalidRecord("unknown format: no `kind`, and neither Guangdong item nor FAQ fields")


# Descriptive fields an item can be shown and searched without. A real item missing one is
# indexed with this marker and a warning; an item without id or name is still rejected.
MISSING = "未注明"
_FILLABLE = {"item": ("department", "item_type", "level", "region_name")}


def to_record(data: dict[str, Any], warnings: list[str] | None = None) -> Record:
    """The canonical record of one source line; fields filled with `MISSING` are named in
    `warnings` when given."""
    fmt = detect(data)
    if fmt == "guangdong_item":
        data = _from_guangdong(data)
    elif fmt == "beijing_faq":
        data = _from_beijing(data)
    filled = [f for f in _FILLABLE.get(str(data.get("kind")), ()) if not _opt(data.get(f))]
    if filled:
        data = {**data, **dict.fromkeys(filled, MISSING)}
        if warnings is not None:
            warnings.append(f"{data.get('id')}: no {', '.join(filled)}; indexed as {MISSING}")
    return parse_record(data)


def _opt(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return None if text in _NONE else text


def _list(value: Any) -> list[str]:
    """The source writes an empty list as the string "无"; a lone string is one entry."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip() not in _NONE]
    text = _opt(value)
    return [text] if text else []


def _from_guangdong(d: dict[str, Any]) -> dict[str, Any]:
    area = str(d.get("area", ""))
    code, name = _GD_AREAS.get(area, ("440000", area or "广东省"))
    location = str(d.get("location") or "").removeprefix("办理地点：").strip()
    return {
        "kind": "item",
        "id": d.get("item_code"),
        "name": d.get("name"),
        "catalog_name": d.get("catalog_name") or "",
        "item_type": d.get("item_type"),
        "department": d.get("department"),
        "region_code": code,
        "region_name": name,
        "level": d.get("level") or "",
        "audiences": _list(d.get("service_objects")),
        "themes": [t for t in _list(d.get("themes")) if t != "其他"],
        "conditions": d.get("conditions") or "",
        "materials": _list(d.get("materials")),
        "legal_time_limit": d.get("legal_time_limit") or "",
        "promised_time_limit": d.get("promised_time_limit") or "",
        "fee": d.get("fee") or "",
        "location": location,
        "online_available": str(d.get("online_available", "")).strip() == "是",
        "online_url": _opt(d.get("online_url")),
        "guide_url": _opt(d.get("guide_url")),
        "consult_phone": _opt(d.get("consult_phone")),
        "complaint_phone": _opt(d.get("complain_phone")),
    }


def _from_beijing(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "faq",
        "id": d.get("id"),
        "question": d.get("question"),
        "answer": d.get("answer"),
        "department": d.get("department") or "",
        "region_code": "110000",
    }
