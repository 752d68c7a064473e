"""The administrators' console in desktop Chromium: sign-in and refusal, a synonym edit seen
in search, a FAQ entry answered in the widget, a zero-result query taken through curation by
two roles, every screen's screenshot, and accessibility."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import TOKENS, admin_api, eventually, serious_violations
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _sign_in(page: Any, server: str, role: str) -> None:
    page.goto(server + "/console")
    page.fill("#token", TOKENS[role])
    page.click("#sign-in button[type=submit]")
    page.locator("#tabs button").first.wait_for()


def _tab(page: Any, screen: str) -> None:
    page.click(f"#tabs button[data-id={screen}]")
    page.locator("#view .panel").first.wait_for()


def _proposal_row(page: Any, text: str) -> Any:
    """The proposal's row (the proposals table follows the tasks table)."""
    return page.get_by_role("table", name="提案").locator("tr", has_text=text)


def test_zero_result_query_goes_live_through_curation_with_two_roles(
    browser: Any, server: str, shots: Path
) -> None:
    for _ in range(3):  # a task appears once a failure recurs three times
        assert httpx.get(server + "/v1/search", params={"q": "passport"}).json()["total"] == 0
    with admin_api(server) as api:  # the query log is written in the background
        tasks = eventually(
            lambda: api.get("/v1/admin/curation/tasks").json(),
            lambda tasks: any("passport" in str(t) for t in tasks),
        )
    assert any("passport" in str(t) for t in tasks)
    editor = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(editor, server, "editor")
    assert editor.locator("#tabs button").all_inner_texts() == ["内容审核", "数据分析", "效果评测"]
    _tab(editor, "curation")
    task = editor.locator("tr", has_text="passport")
    task.get_by_role("button", name="起草提案").click()
    editor.select_option("#prop-syn_kind", "oneway")
    editor.fill("#prop-terms", "passport 护照")
    editor.get_by_role("button", name="提交草稿").click()
    editor.get_by_text("草稿已提交").wait_for()
    expect(_proposal_row(editor, "passport")).to_contain_text("草稿")
    assert _proposal_row(editor, "passport").get_by_role("button", name="批准").count() == 0

    reviewer = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(reviewer, server, "reviewer")
    _tab(reviewer, "curation")
    _proposal_row(reviewer, "passport").get_by_role("button", name="批准").click()
    expect(_proposal_row(reviewer, "passport")).to_contain_text("已批准")
    _proposal_row(reviewer, "passport").get_by_role("button", name="上线").click()
    reviewer.get_by_text("已上线，立即生效").wait_for()
    expect(_proposal_row(reviewer, "passport")).to_contain_text("已上线")
    audit = reviewer.get_by_role("table", name="审计记录")
    for action in ("propose", "approve", "publish"):
        expect(audit).to_contain_text(action)
    reviewer.screenshot(path=shots / "console-curation.png", full_page=True)
    hits = httpx.get(server + "/v1/search", params={"q": "passport"}).json()["hits"]
    assert hits and "护照" in hits[0]["title"]
    editor.close()
    reviewer.close()


def test_wrong_token_is_refused(desktop: Any, server: str, shots: Path) -> None:
    desktop.goto(server + "/console")
    desktop.fill("#token", "not-a-token")
    desktop.click("#sign-in button[type=submit]")
    desktop.get_by_role("alert").filter(has_text="令牌无效").wait_for()
    assert desktop.locator("#tabs").is_hidden()
    desktop.screenshot(path=shots / "console-refused.png")


def test_adding_a_synonym_changes_a_search(desktop: Any, server: str, shots: Path) -> None:
    _sign_in(desktop, server, "admin")
    _tab(desktop, "synonyms")
    desktop.select_option("#syn-kind", "equivalent")
    desktop.fill("#syn-terms", "ecard 电子社保卡")
    desktop.fill("#syn-test", "ecard")
    desktop.get_by_role("button", name="新增", exact=True).click()
    desktop.get_by_text("已新增同义词").wait_for()
    effect = desktop.get_by_label("修改效果")
    assert "无结果" in effect.locator(".before").inner_text()
    assert "电子社保卡" in effect.locator(".after").inner_text()
    desktop.screenshot(path=shots / "console-synonyms.png", full_page=True)
    desktop.get_by_role("button", name="最近修改").first.click()
    desktop.get_by_text("ecard、电子社保卡").last.wait_for()


def test_new_faq_entry_is_answered_in_the_widget(
    desktop: Any, phone: Any, server: str, shots: Path
) -> None:
    _sign_in(desktop, server, "admin")
    _tab(desktop, "faq")
    desktop.fill("#faq-question", "图书馆借书证丢了怎么补办？")
    desktop.fill("#faq-answer", "请携带身份证到市图书馆总服务台办理补证，工本费10元，当场可取。")
    desktop.fill("#faq-department", "市文化广电旅游局")
    desktop.fill("#faq-from", "2020-01-01")
    desktop.get_by_role("button", name="新增", exact=True).click()
    desktop.get_by_text("已新增，立即生效").wait_for()
    desktop.screenshot(path=shots / "console-faq.png")

    phone.goto(server + "/")
    phone.click("#chat-open")
    phone.fill("#chat-input", "借书证丢了怎么补办")
    phone.press("#chat-input", "Enter")
    reply = phone.locator(".msg.bot").nth(1)
    reply.wait_for()
    assert "总服务台" in reply.inner_text()
    assert "图书馆借书证" in reply.locator(".sources").inner_text()


def test_console_screens(desktop: Any, server: str, shots: Path) -> None:
    with admin_api(server) as api:  # something to chart
        for q in ("社保卡", "社保卡", "护照"):
            api.get("/v1/search", params={"q": q})
    _sign_in(desktop, server, "admin")
    tabs = desktop.locator("#tabs button").all_inner_texts()
    assert tabs == ["同义词", "常见问答", "导航与一件事", "内容审核", "数据分析", "效果评测"]
    _tab(desktop, "analytics")
    desktop.locator("svg[aria-label=热门查询] rect").first.wait_for()
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name="下载 CSV").first.click()
    assert download.value.suggested_filename == "top-queries.csv"
    assert "社保卡" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    desktop.screenshot(path=shots / "console-analytics.png", full_page=True)
    _tab(desktop, "nav")
    desktop.locator("#view table").first.wait_for()
    desktop.screenshot(path=shots / "console-nav.png", full_page=True)
    _tab(desktop, "eval")
    desktop.locator("#ev-stored option[value=items_demo]").wait_for(state="attached")
    desktop.select_option("#ev-stored", "items_demo")
    desktop.get_by_role("button", name="运行").click()
    desktop.get_by_text("评测完成").wait_for(timeout=60_000)
    table = desktop.locator("#view table").inner_text()
    assert "overall" in table and "pinyin" in table and "nDCG@10" in table
    desktop.screenshot(path=shots / "console-eval.png", full_page=True)


def test_console_has_no_serious_accessibility_violations(desktop: Any, server: str) -> None:
    desktop.goto(server + "/console")
    assert serious_violations(desktop) == []
    _sign_in(desktop, server, "admin")
    for screen in ("synonyms", "faq", "curation", "analytics"):
        _tab(desktop, screen)
        desktop.wait_for_load_state("networkidle")
        assert serious_violations(desktop) == [], screen
