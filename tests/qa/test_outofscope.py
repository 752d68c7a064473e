"""Out-of-scope questions from real material: which messages and items qualify, stable halves."""

from __future__ import annotations

import json
from pathlib import Path

from zwfw.core.records import Faq
from zwfw.qa.outofscope import (
    citizen_questions,
    home_of,
    region_questions,
    sample,
    write_eval_set,
)


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_complaints_and_masked_cases_qualify_but_plain_enquiries_do_not(tmp_path: Path) -> None:
    messages = _jsonl(
        tmp_path / "m.jsonl",
        [
            {"id": "a", "text": "小区门口路灯坏了一个月，请尽快修理", "message_type": "投诉/求助"},
            {"id": "b", "text": "请问***村什么时候拆迁？有计划吗", "message_type": "咨询"},
            {"id": "c", "text": "公积金贷款还清后要办什么手续？", "message_type": "咨询"},
            {"id": "d", "text": "太短了", "message_type": "建言"},
        ],
    )
    found = {q.id: q.text for q in citizen_questions(messages)}
    assert found == {
        "citizen:a": "小区门口路灯坏了一个月，请尽快修理",
        "citizen:b": "请问某村什么时候拆迁？有计划吗",
    }


def test_items_of_the_catalogues_own_region_are_not_out_of_scope(tmp_path: Path) -> None:
    items = _jsonl(
        tmp_path / "items.jsonl",
        [
            {"item_code": "g1", "name": "护照签发", "area": "广东省广州市"},
            {"id": "b1", "name": "居住证签注", "region_name": "北京市"},
        ],
    )
    home = home_of([Faq(id="f", question="北京市居住证怎么办理", answer="…")])
    questions = list(region_questions([items], home))
    assert [q.id for q in questions] == ["region:g1"]
    assert "广州市" in questions[0].text and "护照签发" in questions[0].text


def test_halves_and_samples_are_stable_and_the_eval_half_is_written(tmp_path: Path) -> None:
    messages = _jsonl(
        tmp_path / "m.jsonl",
        [
            {"id": str(i), "text": f"某小区第{i}号楼漏水严重，请尽快处理", "message_type": "建言"}
            for i in range(40)
        ],
    )
    first, again = list(citizen_questions(messages)), list(citizen_questions(messages))
    assert [q.half for q in first] == [q.half for q in again]
    assert {q.half for q in first} == {"fit", "eval"}
    assert sample(first, 5) == sample(again, 5) and len(sample(first, 5)) == 5
    written = write_eval_set(first, tmp_path / "var" / "oos.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "var" / "oos.jsonl").read_text().splitlines()]
    assert written == len(rows) == sum(q.half == "eval" for q in first)
    assert all(r["faq_ids"] == [] and r["kind"] == "out_of_scope" for r in rows)
