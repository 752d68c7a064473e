"""Personal data is masked by checksum and context, and ordinary queries are left alone."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from ops.pii_samples import BANK, ID, ID_X, MOBILE, NAME, PII_QUERIES, SECRETS, id_card

from zwfw.core.pii import BANK_CARD, ID_CARD, is_bank_card, mask, safe_identifier
from zwfw.core.pii import MOBILE as MOBILE_LABEL
from zwfw.core.pii import NAME as NAME_LABEL
from zwfw.ops import JsonFormatter


@pytest.mark.parametrize("query", PII_QUERIES)
def test_every_kind_of_personal_data_is_masked(query: str) -> None:
    masked = mask(query)
    assert not any(secret in masked for secret in SECRETS), masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(f"身份证{ID}补办", f"身份证{ID_CARD}补办", id="id-card"),
        pytest.param(f"{ID_X.lower()}", ID_CARD, id="id-card-lower-x"),
        pytest.param(f"电话{MOBILE}", f"电话{MOBILE_LABEL}", id="mobile"),
        pytest.param("电话 +86 139-1234-5678 谢谢", f"电话 +{MOBILE_LABEL} 谢谢", id="mobile-86"),
        pytest.param("１３９１２３４５６７８", MOBILE_LABEL, id="full-width-mobile"),
        pytest.param(f"卡号{BANK}", f"卡号{BANK_CARD}", id="bank-card"),
        pytest.param(
            " ".join(BANK[i : i + 4] for i in range(0, len(BANK), 4)), BANK_CARD, id="spaced-card"
        ),
        pytest.param(f"我叫{NAME}，办护照", f"我叫{NAME_LABEL}，办护照", id="name-wo-jiao"),
        pytest.param("姓名：李四 社保", f"姓名：{NAME_LABEL} 社保", id="name-field"),
        pytest.param(f"{MOBILE} 2024", f"{MOBILE_LABEL} 2024", id="mobile-then-year"),
    ],
)
def test_masks_name_the_kind_of_data_removed(text: str, expected: str) -> None:
    assert mask(text) == expected


def _bad_id() -> str:
    """An 18-digit ID number whose check digit is wrong, and which fails Luhn too (so it is
    not masked as a bank card instead)."""
    good = id_card()
    for last in "0123456789":
        candidate = good[:-1] + last
        if last != good[-1] and not is_bank_card(candidate):
            return candidate
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BANK[:-1] + str((int(BANK[-1]) + 1) % 10), id="bad-luhn"),
        pytest.param("11440100MB2D12345X4440111000000", id="item-code"),
        pytest.param("姓名变更登记", id="name-change-service"),
        pytest.param("12345热线", id="hotline"),
        pytest.param("2024年社保缴费基数", id="year"),
        pytest.param("020-83123456", id="landline"),
    ],
)
def test_ordinary_queries_and_codes_are_kept(text: str) -> None:
    assert mask(text) == text


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(_bad_id(), id="check-digit-mistyped"),
        pytest.param("44010619900101123x", id="lower-x-wrong-check"),
        pytest.param("440106900101123", id="first-generation-15-digits"),
    ],
)
def test_a_mistyped_or_old_id_number_is_still_masked(typed: str) -> None:
    # A citizen who gets one digit wrong has still typed their ID (seen in the query log).
    assert mask(f"我的身份证号{typed}怎么查公积金") == f"我的身份证号{ID_CARD}怎么查公积金"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("123456789012345678", id="counting-digits"),
        pytest.param("990106199013011234", id="no-such-province-or-month"),
        pytest.param("订单号 202612060000000123", id="order-number"),
    ],
)
def test_long_numbers_not_shaped_like_an_id_are_kept(text: str) -> None:
    assert mask(text) == text


def test_masking_twice_changes_nothing() -> None:
    once = mask(" ".join(PII_QUERIES))
    assert mask(once) == once


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        pytest.param(
            "手机138 0013 8000 2024年办的护照", "手机[手机号] 2024年办的护照", id="groups-then-year"
        ),
        pytest.param("电话13800138000-13900139000", "电话[手机号]-[手机号]", id="two-joined"),
        pytest.param("打138.0013.8000找我", "打[手机号]找我", id="dotted"),
    ],
)
def test_phone_numbers_typed_in_groups_are_masked(typed: str, masked: str) -> None:
    assert mask(typed) == masked


@pytest.mark.parametrize(
    "name",
    [
        # Build names that the mask rewrote before (2.25% of random builds did).
        "builds/20261206T011945.889508-940356",
        "builds/20261206T125157.453951-5351d2",
        "index loaded: /srv/zwfw/builds/20261206T011945.889508-940356",
        "digest 3f9a440106198805120037cafe",
    ],
)
def test_machine_made_codes_are_not_masked(name: str) -> None:
    assert mask(name) == name


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("/v1/search?q=%E5%8F%B7" + ID, id="percent-glued"),
        pytest.param(f"/v1/search?q={MOBILE}+{BANK}", id="plus-joined"),
        pytest.param(quote(f"我的身份证{ID}"), id="quoted"),
    ],
)
def test_a_log_line_with_an_encoded_query_is_masked(encoded: str) -> None:
    record = logging.makeLogRecord({"msg": "HTTP Request: GET %s", "args": (encoded,)})
    line = JsonFormatter().format(record)
    assert not [s for s in (ID, MOBILE, BANK) if s in line], line


def test_an_identifier_holding_a_personal_number_is_not_kept() -> None:
    assert safe_identifier(MOBILE) is None and safe_identifier(f"s-{ID}") is None
    assert safe_identifier("3f2a9c1e") == "3f2a9c1e" and safe_identifier(None) is None
