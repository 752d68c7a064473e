"""The citizen H5 page in a phone-sized Chromium: suggestions, filters, the item page with
好差评, the chat widget and elderly mode, and its accessibility."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from e2e_support import USER_TOKEN_SECRET, admin_api, eventually, serious_violations

pytestmark = pytest.mark.e2e


def _search(page: Any, server: str, query: str) -> None:
    page.goto(server + "/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_selector("#results .card")


def test_typing_initials_offers_suggestions_and_picking_one_searches(
    phone: Any, server: str, shots: Path
) -> None:
    phone.goto(server + "/")
    phone.fill("#q", "sbk")
    first = phone.locator("#suggest li").first
    first.wait_for()
    picked = first.locator("span").first.inner_text()
    assert "社保" in picked or "社会保障" in picked
    first.click()
    phone.wait_for_selector("#results .card")
    assert phone.input_value("#q") == picked
    assert phone.locator("#suggest").is_hidden()
    assert phone.locator("#results h2").first.inner_text().startswith("办事事项")
    phone.screenshot(path=shots / "citizen-phone.png")


def test_region_filter_keeps_results_of_that_region(phone: Any, server: str, shots: Path) -> None:
    _search(phone, server, "社保卡补办")
    regions = set(phone.locator("[data-type=item] .meta").all_inner_texts())
    assert any("深圳" not in r for r in regions)  # other cities before filtering
    with phone.expect_response(lambda r: "region=440300" in r.url):
        phone.select_option("#f-region", label="深圳市")
    phone.wait_for_selector("#results .card")
    metas = phone.locator("[data-type=item] .meta").all_inner_texts()
    assert metas and all("深圳" in m for m in metas)
    phone.screenshot(path=shots / "citizen-region-filter.png")


def test_item_page_shows_the_guide_and_records_a_rating(
    phone: Any, server: str, shots: Path
) -> None:
    _search(phone, server, "护照补办")
    title = phone.locator("[data-type=item] h3 button").first
    name = title.inner_text()
    title.click()
    detail = phone.locator("#detail")
    detail.locator("h2").wait_for()
    assert detail.locator("h2").inner_text() == name
    text = detail.inner_text()
    for field in ("申请材料", "收费标准", "办理时限", "办理地点", "网上办理", "咨询电话"):
        assert field in text
    detail.get_by_label("4 满意").check()
    detail.get_by_label("材料清楚").check()
    detail.get_by_role("button", name="提交评价").click()
    detail.get_by_text("感谢您的评价").wait_for()
    phone.screenshot(path=shots / "citizen-item.png", full_page=True)
    with admin_api(server) as api:
        rows = api.get("/v1/admin/analytics/ratings", params={"by": "target"}).json()
        clicks = eventually(
            lambda: api.get("/v1/admin/analytics/ctr-by-position").json(),
            lambda rows: sum(c["clicks"] for c in rows) >= 1,
        )
    assert any(r["key"].startswith("item:") and r["scores"][3] >= 1 for r in rows)
    assert sum(c["clicks"] for c in clicks) >= 1  # opening the result logged a click


def _chat(page: Any, message: str) -> Any:
    before = page.locator(".msg.bot").count()
    page.fill("#chat-input", message)
    page.press("#chat-input", "Enter")
    page.locator(".msg.bot").nth(before).wait_for()
    return page.locator(".msg.bot").nth(before)


def test_three_turn_chat_then_elderly_mode_chat_in_large_type(
    phone: Any, server: str, shots: Path
) -> None:
    # Record what would be read aloud (headless Chromium has speechSynthesis but no voice).
    phone.add_init_script(
        "window.spoken = []; if (window.speechSynthesis) "
        "speechSynthesis.speak = u => window.spoken.push(u.text);"
    )
    phone.goto(server + "/")
    phone.click("#chat-open")
    first = _chat(phone, "办护照要带什么材料")
    assert first.get_attribute("data-action") in ("answer", "clarify")
    if first.get_attribute("data-action") == "clarify":  # options are buttons: pick one
        before = phone.locator(".msg.bot").count()
        first.locator(".options button").first.click()
        phone.locator(".msg.bot").nth(before).wait_for()
    second = _chat(phone, "要多少钱")
    assert "元" in second.inner_text() or second.locator(".options button").count()
    third = _chat(phone, "转人工")
    assert third.get_attribute("data-action") == "handoff"
    assert "12345" in third.locator(".hotline").inner_text()
    phone.screenshot(path=shots / "chat.png")

    phone.click("#chat-close")
    phone.click("#elder")
    phone.click("#chat-open")
    with phone.expect_request(lambda r: r.url.endswith("/v1/chat")) as sent:
        reply = _chat(phone, "办户照要多少钱")
    assert sent.value.post_data_json["mode"] == "elder"
    spoken = phone.evaluate("window.spoken")
    # Only elderly-mode replies are read, in their speech form (numbers spoken, no digits).
    assert len(spoken) == 1 and spoken[0] and not any(ch.isdigit() for ch in spoken[0])
    has_recognition = phone.evaluate(
        "!!(window.SpeechRecognition || window.webkitSpeechRecognition)"
    )
    assert phone.locator("#mic").is_visible() == has_recognition  # else typing only
    assert "http" not in reply.locator(".reply").inner_text()  # elderly replies carry no URLs
    size = phone.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.msg.bot .reply')).fontSize)"
    )
    assert size >= 18
    heights = phone.evaluate(
        "[...document.querySelectorAll('#chat button:not([hidden]), #chat input')]"
        ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    phone.screenshot(path=shots / "elder-chat.png")


def test_elderly_mode_page_is_large_and_remembered(phone: Any, server: str, shots: Path) -> None:
    _search(phone, server, "身份证")
    phone.click("#elder")
    assert phone.get_attribute("#elder", "aria-pressed") == "true"
    assert phone.locator("#suggest").is_hidden()
    body = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 18
    phone.screenshot(path=shots / "elder-mode.png")
    phone.reload()
    assert phone.evaluate("document.body.classList.contains('elder')")


def test_personal_space_shows_recommendations_and_policies_with_reasons(
    phone: Any, server: str, shots: Path
) -> None:
    claims = {"sub": "e2e-senior", "exp": int(time.time()) + 600}
    token = jwt.encode(claims, USER_TOKEN_SECRET, algorithm="HS256")
    fields = ("birth_year", "region_code", "employment_status", "low_income")
    profile = {
        "audience": "person", "birth_year": time.localtime().tm_year - 60,
        "region_code": "440106", "employment_status": "self_employed", "low_income": True,
        "consents": {f: ["recommend", "policy"] for f in fields},
    }  # fmt: skip
    saved = httpx.put(
        f"{server}/v1/users/e2e-senior/profile", json=profile,
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    phone.goto(server + "/")
    phone.get_by_role("button", name="个人空间").click()
    phone.get_by_label("用户令牌").fill(token)
    phone.get_by_role("button", name="登录").click()
    space = phone.locator("#me")
    space.get_by_text("推荐理由").first.wait_for()
    assert "年满60周岁" in space.inner_text()
    assert space.get_by_text("符合条件").count() >= 1
    phone.screenshot(path=shots / "personal-space.png")


def test_zero_results_offer_the_hotline(phone: Any, server: str) -> None:
    phone.goto(server + "/")
    phone.fill("#q", "qqxxzzvv")
    phone.press("#q", "Enter")
    phone.get_by_text("未找到").wait_for()
    assert "12345" in phone.inner_text("#notice")


def test_citizen_page_has_no_serious_accessibility_violations(phone: Any, server: str) -> None:
    _search(phone, server, "社保卡")
    assert serious_violations(phone) == []
    phone.click("#elder")  # elderly mode, with the chat open
    phone.click("#chat-open")
    _chat(phone, "社保卡怎么补办")
    assert serious_violations(phone) == []


def _broad_query(server: str) -> tuple[str, dict[str, Any]]:
    """A demo query with more results than one page (picked here, so the test does not
    depend on one word's count)."""
    for query in ("证明", "办理", "登记", "申请", "证"):
        data = httpx.get(server + "/v1/search", params={"q": query, "size": 20}).json()
        if data["total"] > 20:
            return query, data
    raise AssertionError("no demo query has more than one page of results")


def _group_counts(page: Any) -> dict[str, tuple[int, int]]:
    """Each group's header as (shown, total), checked against its cards."""
    out = {}
    for section in page.locator("#results section.group").all():
        name = section.get_attribute("aria-label")
        count = section.locator("h2").get_attribute("data-count")
        shown, total = (int(n) for n in count.split("/"))
        assert section.locator(".card").count() == shown
        out[name] = (shown, total)
    return out


def test_load_more_appends_the_next_page_and_headers_agree_with_the_chips(
    phone: Any, server: str, shots: Path
) -> None:
    query, first = _broad_query(server)
    _search(phone, server, query)
    chips = {
        c.get_attribute("data-type") or "": int(c.get_attribute("data-total"))
        for c in phone.locator("#type-chips .chip").all()
    }
    assert chips[""] == first["total"]
    assert phone.locator("#results .card").count() == 20
    groups = _group_counts(phone)
    names = {"item": "办事事项", "app": "应用", "faq": "常见问答", "policy": "政策"}
    for kind, total in chips.items():
        if kind:
            assert groups.get(names[kind], (0, total))[1] == total  # header total = chip total
    more = phone.get_by_role("button", name="加载更多")
    assert more.is_visible()
    with phone.expect_response(lambda r: "page=2" in r.url):
        more.click()
    expected = min(40, first["total"])
    phone.wait_for_function(f"document.querySelectorAll('#results .card').length === {expected}")
    after = _group_counts(phone)
    assert len(phone.locator("#results section.group").all()) == len(after)  # no group repeats
    assert sum(shown for shown, _ in after.values()) == expected
    assert all(after[name][0] >= shown for name, (shown, _) in groups.items())
    ids = phone.locator("#results .card").evaluate_all("cs => cs.map(c => c.dataset.key)")
    assert len(set(ids)) == len(ids)  # the next page, not the first one again
    phone.screenshot(path=shots / "citizen-load-more.png")
    while phone.get_by_role("button", name="加载更多").is_visible():
        phone.get_by_role("button", name="加载更多").click()
        phone.wait_for_timeout(300)
    assert phone.locator("#results .card").count() == first["total"]


def test_the_welcome_panel_offers_examples_from_the_loaded_catalogue(
    phone: Any, server: str
) -> None:
    examples = httpx.get(server + "/v1/pages/config").json()["examples"]
    assert examples
    phone.goto(server + "/")
    chips = phone.locator("#examples .chip")
    chips.first.wait_for()
    assert chips.all_inner_texts() == examples
    chips.first.click()
    phone.wait_for_selector("#results .card")
    assert phone.input_value("#q") == examples[0]
