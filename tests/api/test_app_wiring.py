"""The whole app as `zwfw serve` builds it: every service wired, through one TestClient."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, OpsSettings, PersonalSettings, Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import load_runtime

SECRET = "wiring-test-secret-key-of-32-bytes!"
ADMIN = {"Authorization": "Bearer admin-s3cret"}

pytestmark = [pytest.mark.integration, pytest.mark.storage]  # also run on PostgreSQL


@pytest.fixture
def client(
    writable_index_dir: Path, tmp_path: Path, segmenter: Segmenter, encoder: CachedEncoder
) -> Iterator[TestClient]:
    settings = Settings(
        index_dir=writable_index_dir, state_db=tmp_path / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("admin-s3cret")]),
        personal=PersonalSettings(token_secret=SECRET, id_salt="wiring-test-id-salt"),
        ops=OpsSettings(
            role_tokens={hash_token("ed"): "editor", hash_token("rev"): "reviewer"},
        ),
    )  # fmt: skip
    runtime = load_runtime(settings, (segmenter, encoder))
    with TestClient(create_app(settings, runtime=runtime)) as c:
        yield c
    runtime.close()  # the caller's runtime: the app leaves it open


def test_search_turns_reach_the_analytics(client: TestClient) -> None:
    assert client.get("/v1/search", params={"q": "护照补办"}).status_code == 200
    client.app.state.ops.querylog.flush()  # type: ignore[attr-defined]
    top = client.get("/v1/admin/analytics/top-queries", headers=ADMIN).json()
    assert any(row["query"] == "护照补办" for row in top)


def test_ratings_and_metrics_are_served(client: TestClient) -> None:
    rated = client.post("/v1/ratings", json={"target": {"type": "item", "id": "x"}, "score": 5})
    assert rated.status_code in (200, 201, 202), rated.text
    assert (
        client.post(
            "/v1/ratings", json={"target": {"type": "x", "id": "x"}, "score": 9}
        ).status_code
        == 422
    )
    metrics = client.get("/metrics").text
    assert "zwfw_" in metrics


def test_the_personal_space_is_on_when_its_secrets_are_set(client: TestClient) -> None:
    token = jwt.encode({"sub": "u1", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
    mine = client.get("/v1/users/u1/recommendations", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200, mine.text
    theirs = client.get(
        "/v1/users/u2/recommendations", headers={"Authorization": f"Bearer {token}"}
    )
    assert theirs.status_code == 403


def test_chat_answers_through_the_full_app(client: TestClient) -> None:
    reply = client.post("/v1/chat", json={"message": "你好"}).json()
    assert reply["action"] and reply["session_id"]


def test_navigation_narrows_a_need_through_the_full_app(client: TestClient) -> None:
    step = client.post("/v1/nav", json={"need": "我要办护照"}).json()
    assert step["session_id"] and (step.get("question") or step.get("result"))


def test_a_need_in_chat_starts_navigation_and_the_next_message_answers_it(
    client: TestClient,
) -> None:
    # (QA answers "我要办残疾人证" from a FAQ entry, and the chat answers whatever QA does.)
    first = client.post("/v1/chat", json={"message": "孩子出生了要办什么"}).json()
    assert first["action"] == "navigate"
    if first["options"]:  # a question: answering with the first option continues navigation
        second = client.post(
            "/v1/chat", json={"session_id": first["session_id"], "message": first["options"][0]}
        ).json()
        assert second["action"] == "navigate" and second["session_id"] == first["session_id"]
    # A guide-field question leaves navigation for an answer about the item.
    third = client.post(
        "/v1/chat", json={"session_id": first["session_id"], "message": "办护照要带什么"}
    ).json()
    assert third["action"] in ("answer", "clarify")


def test_an_approved_faq_proposal_is_answered_after_publishing(client: TestClient) -> None:
    question = "长者饭堂的助餐补贴怎么申请？"
    body = {
        "kind": "faq",
        "payload": {"question": question, "answer": "持身份证到社区长者饭堂登记。"},
    }
    curation = "/v1/admin/curation/proposals"
    draft = client.post(curation, json=body, headers={"Authorization": "Bearer ed"}).json()
    url = f"{curation}/{draft['id']}"
    assert client.post(f"{url}/approve", headers={"Authorization": "Bearer rev"}).status_code == 200
    published = client.post(f"{url}/publish", headers=ADMIN)
    assert published.json()["state"] == "live", published.text
    answer = client.post("/v1/qa", json={"question": question}).json()
    assert answer["action"] == "answer" and answer["sources"][0]["title"] == question


def test_an_approved_navigation_hint_must_name_a_known_item(client: TestClient) -> None:
    body = {
        "kind": "nav_hint",
        "payload": {"query": "开小卖部", "target_type": "item", "target_id": "no-such-item"},
    }
    curation = "/v1/admin/curation/proposals"
    draft = client.post(curation, json=body, headers={"Authorization": "Bearer ed"}).json()
    url = f"{curation}/{draft['id']}"
    client.post(f"{url}/approve", headers={"Authorization": "Bearer rev"})
    assert client.post(f"{url}/publish", headers=ADMIN).status_code == 422


def test_admin_faq_edits_survive_a_full_rebuild(
    client: TestClient, segmenter: Segmenter, encoder: CachedEncoder
) -> None:
    from testdata import DEMO

    from zwfw.indexer import build_index, load_sources

    question = "长者饭堂的助餐补贴怎么申请？"
    faq = {"question": question, "answer": "持身份证到社区长者饭堂登记。"}
    assert client.post("/v1/admin/faq", json=faq, headers=ADMIN).status_code == 201
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    build_index(load_sources([DEMO]).records, runtime.settings, encoder, segmenter)
    assert runtime.refresh_if_changed()
    answer = client.post("/v1/qa", json={"question": question}).json()
    assert answer["action"] == "answer" and answer["sources"][0]["title"] == question


def test_chat_turns_are_logged_with_personal_data_masked(client: TestClient) -> None:
    message = "我叫张三，身份证440106199003071231丢了怎么补"
    client.post("/v1/chat", json={"message": message})
    client.app.state.ops.querylog.flush()  # type: ignore[attr-defined]
    top = client.get("/v1/admin/analytics/top-queries", headers=ADMIN).json()
    logged = " ".join(row["query"] for row in top)
    assert "身份证" in logged and "440106199003071231" not in logged and "张三" not in logged


def test_a_chat_about_withdrawn_items_starts_over_instead_of_failing(client: TestClient) -> None:
    first = client.post("/v1/chat", json={"message": "普通护照签发要带什么材料"}).json()
    assert first["action"] == "clarify"
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    items = runtime.index.docs.iter_kind("item")
    runtime.delete([f"item:{i.id}" for i in items if "护照" in i.name])
    later = client.post("/v1/chat", json={"session_id": first["session_id"], "message": "广州"})
    assert later.status_code == 200


def test_a_query_many_citizens_type_becomes_a_suggestion(client: TestClient) -> None:
    for _ in range(3):
        client.get("/v1/search", params={"q": "长者饭堂助餐"})
    client.post("/v1/search", params={"q": "x"})  # noise
    client.app.state.ops.querylog.flush()  # type: ignore[attr-defined]
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.refresh_derived()
    assert runtime.wait_for_derived()
    texts = [
        s["text"] for s in client.get("/v1/suggest", params={"q": "长者"}).json()["suggestions"]
    ]
    assert "长者饭堂助餐" in texts


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        pytest.param("get", "/v1/admin/analytics/top-queries?until=9999-12-31", None,
                     id="far-future-date"),
        pytest.param("post", "/v1/ratings", {"target": {"type": "item", "id": "x"}, "score": 3,
                                             "tags": ["a" * 30]}, id="long-tag"),
        pytest.param("post", "/v1/admin/curation/proposals",
                     {"kind": "nav_hint", "payload": {"query": "摆个摊", "target_type": "widget",
                                                      "target_id": "x"}}, id="bad-hint-target"),
    ],
)  # fmt: skip
def test_bad_admin_and_rating_input_is_422_not_500(
    client: TestClient, method: str, url: str, body: object
) -> None:
    headers = {"Authorization": "Bearer ed"}
    response = client.request(method, url, json=body, headers=headers)
    assert response.status_code == 422, response.text


def test_a_crafted_push_cursor_is_422(client: TestClient) -> None:
    import base64
    import json

    raw = json.dumps({"p": "demo-policy-010", "r": 10**25}).encode()
    cursor = base64.urlsafe_b64encode(raw).decode()
    url = f"/v1/policies/demo-policy-010/eligible?cursor={cursor}"
    assert client.get(url, headers=ADMIN).status_code == 422


def test_elder_mode_reasks_a_navigation_question_with_at_most_three_options(
    client: TestClient,
) -> None:
    first = client.post("/v1/nav", json={"need": "身份证"}).json()
    again = client.post("/v1/nav", json={"session_id": first["session_id"], "mode": "elder"}).json()
    assert len(again["options"]) <= 3
