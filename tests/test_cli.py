from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zwfw.cli import app

FAQ = [
    {
        "kind": "faq",
        "id": "f1",
        "question": "医保密码忘了怎么办",
        "answer": "带身份证到医保窗口重置。",
    },
    {"kind": "faq", "id": "f2", "question": "社保卡丢了怎么挂失", "answer": "拨打12333挂失。"},
]


@pytest.mark.slow  # indexes the demo catalogue with the real e5 model
def test_index_search_upsert_delete_and_eval_from_the_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "faq.jsonl"
    source.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in FAQ), encoding="utf-8")
    index_dir = ["--index-dir", str(tmp_path / "ix")]
    built = runner.invoke(app, ["index", str(source), *index_dir])
    assert built.exit_code == 0, built.output
    assert "indexed 2 records" in built.output
    found = runner.invoke(app, ["search", "社保卡挂失", *index_dir])
    assert "社保卡丢了怎么挂失" in found.output.splitlines()[1]
    extra = tmp_path / "more.jsonl"
    extra.write_text(
        json.dumps(
            {"kind": "faq", "id": "f3", "question": "护照怎么续签", "answer": "到出入境窗口。"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert runner.invoke(app, ["upsert", str(extra), *index_dir]).exit_code == 0
    assert "护照怎么续签" in runner.invoke(app, ["search", "护照续签", *index_dir]).output
    assert runner.invoke(app, ["delete", "faq:f3", *index_dir]).exit_code == 0
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps(
            {"qid": "1", "query": "医保密码忘记", "kind": "paraphrase", "faq_ids": ["f1"]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "eval.json"
    evaluated = runner.invoke(
        app, ["eval", "--faq", str(queries), "--output", str(out), *index_dir]
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(out.read_text())["faq"]["top1"] == 1.0


def test_a_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["search", "护照", "--index-dir", str(tmp_path)])
    assert result.exit_code == 2 and "no index" in result.output


def test_hash_token_prints_the_settings_form() -> None:
    result = CliRunner().invoke(app, ["hash-token", "s3cret"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("sha256:") and len(result.output.strip()) == 71
