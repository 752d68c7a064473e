"""Navigation over HTTP: POST /v1/nav steps and the admin API for bundles and hints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_apps import client_with
from fastapi.testclient import TestClient

from zwfw.api.auth import hash_token
from zwfw.api.deps import get_nav
from zwfw.core.settings import AdminSettings, Settings
from zwfw.nav import create_nav_service
from zwfw.runtime import Runtime
from zwfw.storage import Storage

pytestmark = pytest.mark.integration
TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN = "/v1/admin/nav"
GZ_MARRIAGE = "11440100MB2C63962G3440708601001"


SETTINGS = Settings(admin=AdminSettings(token_hashes=[hash_token(TOKEN)]))


@pytest.fixture
def client(sqlite_storage: Storage, demo_runtime: Runtime) -> Iterator[TestClient]:
    service = create_nav_service(sqlite_storage, demo_runtime.search)
    with client_with(SETTINGS, {get_nav: service}) as c:
        yield c
    service.close()


def test_a_need_then_an_answer_reaches_a_bundle_checklist(client: TestClient) -> None:
    first = client.post("/v1/nav", json={"need": "孩子出生了要办什么"})
    assert first.status_code == 200
    body = first.json()
    assert body["question"] and body["result"] is None
    assert {o["label"] for o in body["options"]} == {"广州市", "深圳市", "杭州市"}
    assert all(set(o) == {"label", "count"} for o in body["options"])
    done = client.post("/v1/nav", json={"session_id": body["session_id"], "answer": "第二个"})
    result = done.json()["result"]
    assert result["bundle"]["name"] == "出生一件事" and len(result["bundle"]["steps"]) == 5
    assert result["items"] and result["apps"] and result["materials"]
    assert done.json()["session_id"] == body["session_id"]


def test_an_item_need_lists_candidates_with_their_share(client: TestClient) -> None:
    body = client.post("/v1/nav", json={"need": "身份证", "mode": "elder"}).json()
    assert 2 <= len(body["options"]) <= 3
    assert body["candidates"] and {"id", "name", "region", "department", "share"} == set(
        body["candidates"][0]
    )


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        pytest.param({"session_id": "gone", "answer": "第一个"}, 404, "not_found", id="expired"),
        pytest.param({"answer": "第一个"}, 422, "invalid_request", id="no-need"),
        pytest.param({"need": "身份证", "mode": "big"}, 422, "invalid_request", id="bad-mode"),
        pytest.param({"need": "x" * 201}, 422, "invalid_request", id="too-long"),
    ],
)
def test_bad_requests_get_the_one_error_shape(
    client: TestClient, payload: dict[str, str], status: int, code: str
) -> None:
    response = client.post("/v1/nav", json=payload)
    assert response.status_code == status and response.json()["code"] == code


def test_without_a_loaded_service_navigation_answers_503() -> None:
    with client_with(SETTINGS, {}) as c:
        response = c.post("/v1/nav", json={"need": "身份证"})
    assert response.status_code == 503 and response.json()["code"] == "index_not_ready"
    assert "loading" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/bundles", "/hints", "/bundles/birth", "/history"])
def test_every_admin_route_needs_a_token(client: TestClient, path: str) -> None:
    assert client.get(ADMIN + path).status_code == 401


def test_admins_list_the_shipped_bundles(client: TestClient) -> None:
    bundles = client.get(f"{ADMIN}/bundles", headers=AUTH).json()
    assert len(bundles) >= 8 and "结婚一件事" in {b["name"] for b in bundles}


def test_a_bundle_with_an_unknown_item_is_rejected_with_the_id_named(client: TestClient) -> None:
    bundle = {"id": "pet", "name": "养犬一件事", "triggers": ["养狗"],
              "steps": [{"title": "犬只登记", "items": {"440100": ["NO-SUCH-ITEM"]}}]}  # fmt: skip
    response = client.post(f"{ADMIN}/bundles", json=bundle, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_record"
    assert "'NO-SUCH-ITEM' in step 1" in response.json()["detail"]


def test_an_admin_edit_changes_the_next_navigation_step(client: TestClient) -> None:
    marriage = client.get(f"{ADMIN}/bundles/marriage", headers=AUTH).json()
    marriage["steps"] = marriage["steps"][:1]
    marriage["triggers"] = [*marriage["triggers"], "拉证"]
    updated = client.put(f"{ADMIN}/bundles/marriage", json=marriage, headers=AUTH)
    assert updated.status_code == 200
    step = client.post("/v1/nav", json={"need": "我们要去拉证了，在广州"}).json()
    assert [s["title"] for s in step["result"]["bundle"]["steps"]] == ["内地居民结婚登记"]
    history = client.get(f"{ADMIN}/bundles/marriage/history", headers=AUTH).json()
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["author"].startswith("admin-") and len(history[1]["before"]["steps"]) == 3


def test_hints_are_created_validated_and_deleted(client: TestClient) -> None:
    bad = {"id": "h1", "phrases": ["领证"], "item_ids": ["NOPE"]}
    assert client.post(f"{ADMIN}/hints", json=bad, headers=AUTH).status_code == 422
    good = {"id": "h1", "phrases": ["领证"], "item_ids": [GZ_MARRIAGE]}
    created = client.post(f"{ADMIN}/hints", json=good, headers=AUTH)
    assert created.status_code == 201 and created.json()["item_ids"] == [GZ_MARRIAGE]
    step = client.post("/v1/nav", json={"need": "我想领证"}).json()
    assert step["result"]["items"][0]["id"] == GZ_MARRIAGE
    assert client.delete(f"{ADMIN}/hints/h1", headers=AUTH).status_code == 204
    assert client.get(f"{ADMIN}/hints/h1", headers=AUTH).status_code == 404
