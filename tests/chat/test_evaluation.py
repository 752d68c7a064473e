"""`zwfw eval --chat/--nav` score like the shared scripts (fake clients; the last test runs
the services in process over the demo index)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zwfw.chat import create_chat_service
from zwfw.core.settings import Settings
from zwfw.evaluation.chat import eval_chat, faq_outcome, format_chat, item_outcome
from zwfw.evaluation.dialogue import DialogueEval, Services
from zwfw.evaluation.nav import eval_nav, format_nav
from zwfw.nav import create_nav_service
from zwfw.runtime import Runtime
from zwfw.storage import open_storage
from zwfw.storage.kv import MemoryKeyValue

TITLES = {"i1": "新增取水许可", "i2": "取水许可证查询"}
QUESTIONS = {"f1": "社保卡怎么补办？", "f2": "社保卡怎么激活？"}


def test_an_item_is_cited_offered_or_missed() -> None:
    relevant = {"i1": 2, "i2": 1}
    assert item_outcome({"sources": [{"id": "i1"}]}, relevant, TITLES) == "cited"
    assert item_outcome({"cards": [{"id": "i1"}]}, relevant, TITLES) == "offered"
    assert item_outcome({"options": ["新增取水许可"]}, relevant, TITLES) == "offered"
    assert item_outcome({"sources": [{"id": "i2"}]}, relevant, TITLES) == "missed"


def test_a_faq_answer_counts_only_its_first_source() -> None:
    right = {"f1"}
    answered = {"action": "answer", "sources": [{"id": "f1"}, {"id": "i1"}]}
    assert faq_outcome(answered, right, QUESTIONS) == "answered"
    wrong = {"action": "answer", "sources": [{"id": "i1"}, {"id": "f1"}]}
    assert faq_outcome(wrong, right, QUESTIONS) == "wrong"
    offered = {"action": "clarify", "options": ["社保卡怎么补办？"]}
    assert faq_outcome(offered, right, QUESTIONS) == "offered"
    assert faq_outcome({"action": "handoff"}, right, QUESTIONS) == "handoff"


class _Chat:
    def __init__(self, replies: dict[str, dict[str, Any]]) -> None:
        self.replies = replies

    def first_turn(self, message: str, mode: str) -> dict[str, Any]:
        return self.replies[message]


def test_eval_chat_tables_per_kind_and_keeps_each_outcome() -> None:
    client = _Chat({
        "取水": {"action": "clarify", "sources": [{"id": "i1"}]},
        "取水证": {"action": "clarify", "cards": [{"id": "i2"}]},
        "补社保卡": {"action": "answer", "sources": [{"id": "f1"}]},
        "地铁月票": {"action": "answer", "sources": [{"id": "f2"}]},
    })  # fmt: skip
    items = [
        {"qid": "a", "query": "取水", "kind": "keywords", "relevant": {"i1": 2}},
        {"qid": "b", "query": "取水证", "kind": "official", "relevant": {"i1": 2}},
    ]
    faq = [
        {"qid": "c", "query": "补社保卡", "kind": "short", "faq_ids": ["f1"]},
        {"qid": "d", "query": "地铁月票", "kind": "out_of_scope", "faq_ids": []},
    ]
    report = eval_chat(client, items, faq, TITLES, QUESTIONS)
    assert report.items["overall"] == {"cited": 0.5, "missed": 0.5, "n": 2}
    assert report.faq["out_of_scope"] == {"answered": 1.0, "n": 1}
    assert report.outcomes == {"a": "cited", "b": "missed", "c": "answered", "d": "answered"}
    assert "keywords" in format_chat(report) and "out_of_scope" in format_chat(report)


class _Nav:
    """Asks which department, then returns the item of the chosen one."""

    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        if "need" in body:
            options = [{"label": "水利厅"}, {"label": "公安厅"}, {"label": "其他"}]
            return {"session_id": "s", "question": "哪个部门？", "options": options}
        item = "i1" if body["answer"] == "水利厅" else "i9"
        return {"session_id": "s", "result": {"items": [{"id": item}]}}


def test_the_simulated_citizen_answers_truthfully_and_reaches_the_item() -> None:
    catalogue = {"i1": {"name": "新增取水许可", "department": "广东省水利厅"}}
    items = [{"qid": "a", "query": "取水", "kind": "keywords", "relevant": {"i1": 2}}]
    report = eval_nav(_Nav(), items, catalogue)
    assert report.outcomes == {"a": "reached"}
    assert "reached" in format_nav(report)


def test_the_dialogue_eval_runs_in_process_over_the_index(
    demo_runtime: Runtime, tmp_path: Path
) -> None:
    def build(state: Path) -> Services:
        scratch = open_storage(Settings(state_db=state / "eval.sqlite"))  # as the CLI does
        sessions = MemoryKeyValue()
        nav = create_nav_service(scratch, demo_runtime.search, sessions=sessions)
        chat = create_chat_service(sessions, demo_runtime.search, demo_runtime.qa)
        return chat, nav, demo_runtime.index.docs

    passport = next(
        r
        for r in demo_runtime.index.docs.iter_kind("item")
        if r.title == "普通护照签发（首次申请）"
    )
    items = tmp_path / "items.jsonl"
    row = {"qid": "q1", "query": passport.title, "kind": "official", "relevant": {passport.id: 2}}
    items.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    lines: list[str] = []
    results = DialogueEval(build).run(items, None, True, True, "standard", lines.append)
    assert results["chat"]["outcomes"] == {"q1": "cited"}
    assert "q1" in results["nav"]["outcomes"] and "official" in "\n".join(lines)
