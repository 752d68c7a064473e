from __future__ import annotations

import datetime as dt

import pytest

from zwfw.core import DocKind, Faq, InvalidRecord, Item
from zwfw.core.records import parse_record, record_to_dict

ITEM = {
    "kind": "item", "id": "11440100MB2C91942D4440111001000", "name": "普通护照签发（补发）",
    "item_type": "行政许可", "department": "广州市公安局", "region_code": "440100",
    "region_name": "广州市", "level": "市级", "audiences": ["自然人"],
    "materials": ["居民身份证", "护照遗失报失证明"], "online_available": True,
}  # fmt: skip


def test_a_canonical_item_round_trips_through_its_json_form() -> None:
    item = parse_record(ITEM)
    assert isinstance(item, Item)
    assert item.materials == ("居民身份证", "护照遗失报失证明")
    assert parse_record(record_to_dict(item)) == item


def test_an_unknown_key_is_rejected_by_name() -> None:
    with pytest.raises(InvalidRecord, match="colour"):
        parse_record({**ITEM, "colour": "red"})


def test_a_missing_required_field_is_named() -> None:
    data = {k: v for k, v in ITEM.items() if k != "department"}
    with pytest.raises(InvalidRecord, match="department"):
        parse_record(data)


def test_an_unknown_kind_lists_the_valid_kinds() -> None:
    with pytest.raises(InvalidRecord, match="item, app, faq, policy"):
        DocKind.from_str("service")


@pytest.mark.parametrize(
    ("today", "live"),
    [
        pytest.param(dt.date(2024, 12, 31), False, id="before-effective"),
        pytest.param(dt.date(2025, 1, 1), True, id="first-day"),
        pytest.param(dt.date(2025, 6, 30), True, id="last-day"),
        pytest.param(dt.date(2025, 7, 1), False, id="expired"),
    ],
)
def test_a_faq_entry_is_live_only_inside_its_window(today: dt.date, live: bool) -> None:
    faq = Faq(
        id="f",
        question="q",
        answer="a",
        effective_from=dt.date(2025, 1, 1),
        expires_on=dt.date(2025, 6, 30),
    )
    assert faq.is_live(today) is live
