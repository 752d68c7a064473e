"""The routes the two pages need: the pages and their files, page config, a record's guide,
the console's sign-in (whoami), evaluation runs and FAQ coverage, and the demo tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.api.demo import DEMO_TOKENS, banner, with_demo_tokens
from zwfw.core.settings import AdminSettings, OpsSettings, Settings
from zwfw.ops import hash_token
from zwfw.runtime import Runtime

ADMIN = {"Authorization": "Bearer pages-admin"}
EDITOR = {"Authorization": "Bearer pages-editor"}
PASSPORT_LOST = "11440100007483172Q3440106611002"  # 普通护照签发（遗失补发）, 广州

pytestmark = pytest.mark.integration


@pytest.fixture
def eval_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "eval"
    folder.mkdir()
    row = {"query": "护照丢了怎么补", "kind": "colloquial", "relevant": {PASSPORT_LOST: 2}}
    (folder / "mine.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    return folder


@pytest.fixture
def client(writable_runtime: Runtime, tmp_path: Path, eval_dir: Path) -> Iterator[TestClient]:
    """The whole app (it closes the runtime it serves, so each test gets its own)."""
    settings = Settings(
        index_dir=writable_runtime.settings.index_dir, state_db=tmp_path / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("pages-admin")], eval_sets_dir=eval_dir),
        ops=OpsSettings(role_tokens={hash_token("pages-editor"): "editor"}),
    )  # fmt: skip
    with TestClient(create_app(settings, runtime=writable_runtime)) as c:
        yield c


def test_both_pages_and_their_files_are_served_without_a_build_step(client: TestClient) -> None:
    citizen, console = client.get("/"), client.get("/console")
    assert citizen.status_code == console.status_code == 200
    assert "长辈模式" in citizen.text and "智能客服" in citizen.text
    assert "管理后台" in console.text
    assert "http" not in citizen.text.replace('name="viewport"', "")  # no CDN, nothing remote
    script = client.get("/static/citizen.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/static/..%2Fapp.py", id="traversal"),
        pytest.param("/static/missing.js", id="unknown"),
        pytest.param("/static/index.html", id="not-a-script"),
    ],
)
def test_static_files_admit_no_path_and_no_other_kind(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)


def test_page_config_lists_regions_and_audiences_for_the_filters(client: TestClient) -> None:
    config = client.get("/v1/pages/config").json()
    assert {"code": "440300", "name": "深圳市"} in config["regions"]
    assert "自然人" in config["audiences"]
    assert config["hotline"] == "12345" and config["personal"] is False


def test_an_items_guide_is_served_for_its_page(client: TestClient) -> None:
    item = client.get(f"/v1/records/item/{PASSPORT_LOST}").json()
    assert item["name"].startswith("普通护照签发") and item["materials"] and item["fee"]
    missing = client.get("/v1/records/item/no-such-item")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_whoami_tells_the_console_what_a_token_may_do(client: TestClient) -> None:
    admin = client.get("/v1/admin/whoami", headers=ADMIN).json()
    editor = client.get("/v1/admin/whoami", headers=EDITOR).json()
    assert admin["role"] == "admin" and admin["catalogue"] is True
    assert editor["role"] == "editor" and editor["catalogue"] is False
    assert editor["permissions"] == ["read", "propose"]
    refused = client.get("/v1/admin/whoami", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401


def test_an_evaluation_runs_on_a_stored_or_uploaded_set(client: TestClient) -> None:
    assert client.get("/v1/admin/eval/sets", headers=EDITOR).json() == [
        {"name": "mine", "kind": "items", "queries": 1}
    ]
    stored = client.post("/v1/admin/eval", json={"kind": "items", "stored": "mine"}, headers=EDITOR)
    assert stored.json()["per_kind"]["colloquial"]["recall@10"] == 1.0
    faq_rows = [{"query": "今天天气怎么样", "faq_ids": []}]
    body = {"kind": "faq", "queries": faq_rows}
    uploaded = client.post("/v1/admin/eval", json=body, headers=EDITOR)
    assert uploaded.json()["out_of_scope_answered"] == 0.0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"kind": "items", "stored": "nope"}, 404, id="unknown-set"),
        pytest.param({"kind": "items", "queries": [{"query": "x"}]}, 422, id="no-labels"),
        pytest.param({"kind": "items", "queries": []}, 422, id="empty"),
    ],
)
def test_a_bad_evaluation_set_is_refused(client: TestClient, body: dict, status: int) -> None:
    assert client.post("/v1/admin/eval", json=body, headers=EDITOR).status_code == status
    assert client.post("/v1/admin/eval", json=body).status_code == 401


def test_faq_coverage_lists_logged_questions_an_entry_now_answers(client: TestClient) -> None:
    question = "医保密码忘了怎么办"
    answer = client.post("/v1/qa", json={"question": question}).json()
    assert answer["action"] == "answer"
    client.app.state.ops.querylog.flush()  # type: ignore[attr-defined]
    faq_id = answer["sources"][0]["id"]
    covered = client.get("/v1/admin/faq-coverage", params={"faq_id": faq_id}, headers=EDITOR)
    assert [c["question"] for c in covered.json()] == [question]
    other = client.get("/v1/admin/faq-coverage", params={"faq_id": "x"}, headers=EDITOR)
    assert other.json() == []


def test_demo_tokens_only_when_none_are_configured() -> None:
    settings, added = with_demo_tokens(Settings())
    assert added and hash_token(DEMO_TOKENS["admin"]) in settings.admin.token_hashes
    assert settings.ops.role_tokens[hash_token(DEMO_TOKENS["reviewer"])] == "reviewer"
    configured = Settings(admin=AdminSettings(token_hashes=[hash_token("mine")]))
    assert with_demo_tokens(configured) == (configured, False)
    assert "http://127.0.0.1:8000/console" in banner("0.0.0.0", 8000, True)
