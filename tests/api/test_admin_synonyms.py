"""The admin synonym API over HTTP: bearer tokens, CRUD, history and error bodies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_apps import client_with
from fastapi.testclient import TestClient

from zwfw.api.auth import hash_token
from zwfw.api.deps import get_synonyms
from zwfw.core.settings import AdminSettings, Settings
from zwfw.search.synonyms import SynonymStore
from zwfw.storage import Storage

ERROR_KEYS = {"type", "title", "status", "code", "detail", "request_id"}
URL = "/v1/admin/synonyms"
TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AUTHOR = "admin-" + hash_token(TOKEN).removeprefix("sha256:")[:8]


SETTINGS = Settings(admin=AdminSettings(token_hashes=[hash_token(TOKEN)]))


@pytest.fixture
def store(sqlite_storage: Storage) -> Iterator[SynonymStore]:
    with SynonymStore(sqlite_storage, seed=None) as s:
        yield s


@pytest.fixture
def client(store: SynonymStore) -> Iterator[TestClient]:
    with client_with(SETTINGS, {get_synonyms: store}) as c:
        yield c


def _create(client: TestClient, kind: str, *terms: str) -> dict[str, object]:
    response = client.post(URL, json={"kind": kind, "terms": list(terms)}, headers=AUTH)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-token"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, id="not-bearer"),
        pytest.param({"Authorization": "Bearer "}, id="empty-token"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("post", ""), ("get", "/1"), ("delete", "/1"), ("get", "/history")],
)
def test_every_admin_route_needs_a_valid_bearer_token(
    client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    payload = {"kind": "equivalent", "terms": ["a", "b"]} if method == "post" else None
    response = client.request(method, URL + path, json=payload, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "unauthorized"


def test_no_configured_token_means_no_admin_access(store: SynonymStore) -> None:
    with client_with(Settings(), {get_synonyms: store}) as c:
        assert c.get(URL, headers=AUTH).json()["code"] == "unauthorized"


def test_a_created_rule_is_returned_with_its_author_and_listed(client: TestClient) -> None:
    created = _create(client, "equivalent", "社保卡", "社會保障卡")
    assert created["terms"] == ["社保卡", "社会保障卡"] and created["updated_by"] == AUTHOR
    listing = client.get(URL, params={"q": "保障"}, headers=AUTH).json()
    assert listing["total"] == 1 and listing["items"] == [created]
    assert client.get(URL, params={"q": "护照"}, headers=AUTH).json() == {"total": 0, "items": []}


def test_an_edit_through_the_api_changes_the_live_snapshot(
    client: TestClient, store: SynonymStore
) -> None:
    _create(client, "oneway", "孩子上学", "入学")
    assert store.snapshot().expand("孩子上学") == ("入学",)


def test_an_update_replaces_the_rule_and_history_shows_before_and_after(
    client: TestClient,
) -> None:
    created = _create(client, "oneway", "孩子上学", "入学")
    url = f"{URL}/{created['id']}"
    updated = client.put(
        url, json={"kind": "oneway", "terms": ["孩子上学", "入学", "义务教育入学"]}, headers=AUTH
    )
    assert updated.status_code == 200
    assert client.get(url, headers=AUTH).json() == updated.json()

    history = client.get(f"{url}/history", headers=AUTH).json()
    assert [(h["action"], h["version"], h["author"]) for h in history] == [
        ("create", 1, AUTHOR),
        ("update", 2, AUTHOR),
    ]
    assert history[1]["before"] == {"kind": "oneway", "terms": ["孩子上学", "入学"]}
    assert history[1]["after"] == {"kind": "oneway", "terms": ["孩子上学", "入学", "义务教育入学"]}
    recent = client.get(f"{URL}/history", params={"limit": 1}, headers=AUTH).json()
    assert recent == history[1:]


def test_a_deleted_rule_is_gone_but_its_history_remains(client: TestClient) -> None:
    url = f"{URL}/{_create(client, 'equivalent', '公积金', '住房公积金')['id']}"
    deleted = client.delete(url, headers=AUTH)
    assert deleted.status_code == 204 and deleted.content == b""
    missing = client.get(url, headers=AUTH)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.delete(url, headers=AUTH).status_code == 404
    actions = [h["action"] for h in client.get(f"{url}/history", headers=AUTH).json()]
    assert actions == ["create", "delete"]


@pytest.mark.parametrize(
    ("payload", "code", "detail"),
    [
        pytest.param(
            {"kind": "oneway", "terms": ["驾照", "駕照"]},
            "invalid_record",
            "'驾照' maps to itself",
            id="self-map",
        ),
        pytest.param(
            {"kind": "equivalent", "terms": ["驾照", "长" * 21]},
            "invalid_record",
            "the limit is 20",
            id="too-long",
        ),
        pytest.param(
            {"kind": "oneway", "terms": ["驾驶证", "驾照"]},
            "invalid_record",
            "cycle: 驾驶证 → 驾照 → 驾驶证",
            id="cycle",
        ),
        pytest.param(
            {"kind": "sideways", "terms": ["a", "b"]}, "invalid_request", "kind", id="bad-kind"
        ),
    ],
)
def test_an_invalid_rule_is_422_with_a_clear_detail(
    client: TestClient, payload: dict[str, object], code: str, detail: str
) -> None:
    _create(client, "oneway", "驾照", "驾驶证")
    response = client.post(URL, json=payload, headers=AUTH)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code and detail in body["detail"]


def test_an_invalid_update_is_422_and_keeps_the_rule(client: TestClient) -> None:
    created = _create(client, "equivalent", "公积金", "住房公积金")
    url = f"{URL}/{created['id']}"
    response = client.put(url, json={"kind": "equivalent", "terms": []}, headers=AUTH)
    assert response.status_code == 422 and "must not be empty" in response.json()["detail"]
    assert client.get(url, headers=AUTH).json() == created


def test_the_page_size_is_capped_at_200(client: TestClient) -> None:
    response = client.get(URL, params={"limit": 201}, headers=AUTH)
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_without_a_loaded_store_the_api_answers_503() -> None:
    with client_with(SETTINGS, {}) as c:
        response = c.get(URL, headers=AUTH)
    assert response.status_code == 503 and response.json()["code"] == "index_not_ready"
    assert "loading" in response.json()["detail"]
