"""`POST /v1/chat` and the FAQ admin API over HTTP, and FAQ edits going live in chat."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_apps import client_with
from fastapi.testclient import TestClient

from zwfw.api.auth import hash_token
from zwfw.api.deps import get_chat, get_faq_admin
from zwfw.chat import create_chat_service, create_faq_admin
from zwfw.core.settings import AdminSettings, Settings
from zwfw.runtime import Runtime
from zwfw.storage import Storage, migrate

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AUTHOR = "admin-" + hash_token(TOKEN).removeprefix("sha256:")[:8]
REPLY_KEYS = {"session_id", "reply", "action", "sources", "cards", "options", "speech"}
NEW_FAQ = {
    "question": "长者饭堂的助餐补贴怎么申请？",
    "answer": "年满60周岁的本市户籍老人持身份证到社区长者饭堂登记，即可按每餐3元享受助餐补贴。",
    "department": "广州市民政局",
    "region_code": "440100",
}


SETTINGS = Settings(admin=AdminSettings(token_hashes=[hash_token(TOKEN)]))


@pytest.fixture
def client(writable_runtime: Runtime, tmp_path: Path) -> Iterator[TestClient]:
    """The assistant and the FAQ editor on the writable demo index, swapped into the app."""
    storage = Storage(f"sqlite:///{tmp_path / 'state.sqlite'}")
    migrate(storage)
    runtime = writable_runtime
    chat = create_chat_service(None, runtime.search, runtime.qa)
    faq_admin = create_faq_admin(
        storage, lambda: runtime.index.docs, runtime.upsert, runtime.delete
    )
    with client_with(SETTINGS, {get_chat: chat, get_faq_admin: faq_admin}) as c:
        yield c
    faq_admin.close()
    storage.close()


def _say(
    client: TestClient, message: str, session: str | None = None, mode: str = "standard"
) -> dict[str, Any]:
    body = {"message": message, "mode": mode} | ({"session_id": session} if session else {})
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    body_out: dict[str, Any] = response.json()
    return body_out


def test_a_chat_turn_has_the_documented_shape_and_keeps_its_session(client: TestClient) -> None:
    first = _say(client, "我在广州，第一次办护照要带什么")
    assert set(first) == REPLY_KEYS and first["action"] == "answer"
    assert first["sources"][0]["type"] == "item" and first["cards"][0]["type"] == "item"
    assert first["cards"][0]["url"].startswith("http")
    second = _say(client, "要多少钱", first["session_id"])
    assert second["session_id"] == first["session_id"] and "120元" in second["reply"]


def test_elder_mode_over_http_caps_the_options(client: TestClient) -> None:
    reply = _say(client, "社保卡", mode="elder")
    assert reply["action"] == "clarify" and len(reply["options"]) <= 3


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"message": ""}, id="empty"),
        pytest.param({"message": "护" * 201}, id="too-long"),
        pytest.param({"message": "你好", "mode": "loud"}, id="bad-mode"),
        pytest.param({"message": "你好", "session_id": "a b"}, id="bad-session"),
    ],
)
def test_an_invalid_chat_request_is_422(client: TestClient, body: dict[str, str]) -> None:
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_without_a_loaded_assistant_chat_answers_503() -> None:
    with client_with(SETTINGS, {}) as c:
        response = c.post("/v1/chat", json={"message": "你好"})
        assert response.status_code == 503 and response.json()["code"] == "index_not_ready"
        assert c.get("/v1/admin/faq", headers=AUTH).status_code == 503


def test_a_faq_created_over_http_is_answered_in_chat_within_a_second(client: TestClient) -> None:
    assert _say(client, NEW_FAQ["question"])["action"] != "answer"
    started = time.perf_counter()
    created = client.post("/v1/admin/faq", json=NEW_FAQ, headers=AUTH)
    reply = _say(client, "长者饭堂助餐补贴怎么申请")
    assert time.perf_counter() - started < 1.0
    assert created.status_code == 201, created.text
    faq = created.json()
    assert faq["updated_by"] == AUTHOR and faq["version"] == 1 and faq["live"]
    assert reply["action"] == "answer" and reply["sources"][0]["id"] == faq["id"]
    assert "每餐3元" in reply["reply"]


def test_an_update_is_answered_at_once_and_history_keeps_before_and_after(
    client: TestClient,
) -> None:
    url = "/v1/admin/faq/demo-faq-001"
    before = client.get(url, headers=AUTH).json()
    assert before["version"] == 0 and before["updated_by"] is None
    changed = {**NEW_FAQ, "question": before["question"], "answer": "请带户口簿到派出所补领。"}
    assert client.put(url, json=changed, headers=AUTH).status_code == 200
    assert "请带户口簿到派出所补领" in _say(client, "身份证丢了怎么补办？")["reply"]
    history = client.get(f"{url}/history", headers=AUTH).json()
    assert [(h["action"], h["version"], h["author"]) for h in history] == [("update", 1, AUTHOR)]
    assert history[0]["before"]["answer"] == before["answer"]
    assert history[0]["after"]["answer"] == "请带户口簿到派出所补领。"


def test_a_deleted_faq_is_no_longer_answered_but_its_history_remains(client: TestClient) -> None:
    faq = client.post("/v1/admin/faq", json=NEW_FAQ, headers=AUTH).json()
    url = f"/v1/admin/faq/{faq['id']}"
    assert client.delete(url, headers=AUTH).status_code == 204
    assert client.get(url, headers=AUTH).json()["code"] == "not_found"
    assert _say(client, NEW_FAQ["question"])["action"] != "answer"
    actions = [h["action"] for h in client.get(f"{url}/history", headers=AUTH).json()]
    assert actions == ["create", "delete"]
    assert (
        client.get("/v1/admin/faq/history", params={"limit": 1}, headers=AUTH).json()[0]["action"]
        == "delete"
    )


def test_an_expired_or_not_yet_effective_faq_is_not_answered(client: TestClient) -> None:
    today = dt.date.today()
    for window in (
        {"expires_on": str(today - dt.timedelta(days=1))},
        {"effective_from": str(today + dt.timedelta(days=1))},
    ):
        created = client.post("/v1/admin/faq", json={**NEW_FAQ, **window}, headers=AUTH).json()
        assert created["live"] is False
        reply = _say(client, NEW_FAQ["question"])
        assert not any(s["id"] == created["id"] for s in reply["sources"])
        client.delete(f"/v1/admin/faq/{created['id']}", headers=AUTH)


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        pytest.param(
            {**NEW_FAQ, "effective_from": "2025-02-01", "expires_on": "2025-01-01"},
            "is before effective_from",
            id="window",
        ),
        pytest.param({**NEW_FAQ, "id": "demo-faq-001"}, "already exists", id="duplicate"),
    ],
)
def test_an_invalid_faq_is_422_and_changes_nothing(
    client: TestClient, payload: dict[str, str], detail: str
) -> None:
    total = client.get("/v1/admin/faq", headers=AUTH).json()["total"]
    response = client.post("/v1/admin/faq", json=payload, headers=AUTH)
    assert response.status_code == 422 and detail in response.json()["detail"]
    assert client.get("/v1/admin/faq", headers=AUTH).json()["total"] == total
    assert client.get("/v1/admin/faq/history", headers=AUTH).json() == []


def test_the_faq_list_filters_by_text(client: TestClient) -> None:
    listing = client.get("/v1/admin/faq", params={"q": "护照"}, headers=AUTH).json()
    assert listing["total"] >= 1 and all(
        "护照" in f["question"] + f["answer"] for f in listing["items"]
    )


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", ""), ("delete", "/x")])
def test_every_faq_admin_route_needs_a_token(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, "/v1/admin/faq" + path, json=NEW_FAQ)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
