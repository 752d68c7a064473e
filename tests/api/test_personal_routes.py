"""The personal space over HTTP: user tokens, own-data-only access, and what users see."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from api_apps import client_with
from fastapi.testclient import TestClient

from zwfw.api.auth import hash_token
from zwfw.api.deps import get_personal
from zwfw.core.records import Item, Policy
from zwfw.core.settings import AdminSettings, PersonalSettings, Settings
from zwfw.indexer import load_sources
from zwfw.personal import PersonalService, create_personal_service
from zwfw.storage import Storage

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
SECRET = "route-test-user-token-secret-0123456789"
ADMIN = {"Authorization": "Bearer admin-s3cret"}
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SENIOR = {
    "audience": "person",
    "birth_year": 1966,
    "region_code": "440106",
    "employment_status": "self_employed",
    "low_income": True,
    "id_card_number": "44010619660101123X",
    "consents": {
        f: ["recommend", "policy", "push"]
        for f in ("birth_year", "region_code", "employment_status", "low_income")
    },
}


def _auth(user: str, secret: str = SECRET, ttl: int = 300) -> dict[str, str]:
    token = jwt.encode({"sub": user, "exp": int(time.time()) + ttl}, secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def service(sqlite_storage: Storage) -> Iterator[PersonalService]:
    records = load_sources([DEMO]).records
    service = create_personal_service(
        sqlite_storage,
        SECRET,
        "route-test-id-key-0123",
        [r for r in records if isinstance(r, Policy)],
        [r for r in records if isinstance(r, Item)],
        clock=lambda: NOW,
    )
    yield service
    service.close()


@pytest.fixture
def client(service: PersonalService) -> Iterator[TestClient]:
    settings = Settings(admin=AdminSettings(token_hashes=[hash_token("admin-s3cret")]))
    with client_with(settings, {get_personal: service}) as c:
        yield c


PERSONAL_ROUTES = [
    ("put", "/v1/users/alice/profile"),
    ("get", "/v1/users/alice/profile"),
    ("delete", "/v1/users/alice/profile"),
    ("get", "/v1/users/alice/recommendations"),
    ("get", "/v1/users/alice/policies"),
    ("post", "/v1/events"),
]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param(_auth("alice", secret="y" * 40), id="foreign-signature"),
        pytest.param(_auth("alice", ttl=-3600), id="expired"),
    ],
)
@pytest.mark.parametrize(("method", "path"), PERSONAL_ROUTES)
def test_every_personal_route_needs_a_valid_user_token(
    client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    response = client.request(method, path, json=SENIOR, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), PERSONAL_ROUTES[:5])
def test_a_user_cannot_touch_another_users_data(client: TestClient, method: str, path: str) -> None:
    assert client.put("/v1/users/alice/profile", json=SENIOR, headers=_auth("alice")).is_success
    response = client.request(method, path, json=SENIOR, headers=_auth("mallory"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert client.get("/v1/users/alice/profile", headers=_auth("alice")).json()["values"]


def test_a_profile_is_saved_read_back_and_never_shows_the_id_card(client: TestClient) -> None:
    saved = client.put("/v1/users/alice/profile", json=SENIOR, headers=_auth("alice"))
    assert saved.status_code == 200
    body = client.get("/v1/users/alice/profile", headers=_auth("alice")).json()
    assert body == saved.json()
    assert body["values"]["birth_year"] == 1966 and body["id_card_on_file"] is True
    assert "44010619660101123X" not in str(body)
    assert body["consents"]["birth_year"] == ["policy", "push", "recommend"]


def test_an_invalid_profile_is_422_naming_the_field(client: TestClient) -> None:
    bad = {**SENIOR, "region_code": "广州"}
    response = client.put("/v1/users/alice/profile", json=bad, headers=_auth("alice"))
    assert response.status_code == 422 and "6-digit" in response.json()["detail"]


def test_deleting_the_profile_removes_it_and_the_users_events(
    client: TestClient, service: PersonalService
) -> None:
    alice = _auth("alice")
    client.put("/v1/users/alice/profile", json=SENIOR, headers=alice)
    event = {"type": "search", "query": "老年人优待证"}
    assert client.post("/v1/events", json=event, headers=alice).status_code == 201
    assert client.delete("/v1/users/alice/profile", headers=alice).status_code == 204
    assert client.get("/v1/users/alice/profile", headers=alice).status_code == 404
    assert service.events_count("alice") == 0


def test_an_event_is_recorded_for_the_token_holder_only(
    client: TestClient, service: PersonalService
) -> None:
    event = {"type": "click", "item_id": "11440100MB2C63962G3442108615001"}
    response = client.post("/v1/events", json=event, headers=_auth("bob"))
    assert response.status_code == 201 and response.json()["item_id"] == event["item_id"]
    assert service.events_count("bob") == 1
    unknown = client.post(
        "/v1/events", json={"type": "click", "item_id": "x"}, headers=_auth("bob")
    )
    assert unknown.status_code == 422


def test_recommendations_carry_reasons_and_the_users_regional_variant(client: TestClient) -> None:
    alice = _auth("alice")
    client.put("/v1/users/alice/profile", json=SENIOR, headers=alice)
    body = client.get("/v1/users/alice/recommendations", params={"size": 3}, headers=alice).json()
    assert body["region_code"] == "440106" and len(body["items"]) == 3
    first = body["items"][0]
    assert (first["name"], first["region_name"]) == ("老年人优待证办理", "广州市")
    assert (first["source"], first["reason"]) == ("life_stage", "今年年满60周岁")


def test_a_cold_start_user_gets_items_for_the_region_they_give(client: TestClient) -> None:
    body = client.get(
        "/v1/users/carol/recommendations", params={"region": "330106"}, headers=_auth("carol")
    ).json()
    assert body["items"] and {i["region_code"] for i in body["items"]} <= {"330100", "330000"}


def test_policies_list_eligible_ones_with_reasons_and_near_misses(client: TestClient) -> None:
    alice = _auth("alice")
    client.put("/v1/users/alice/profile", json=SENIOR, headers=alice)
    body = client.get("/v1/users/alice/policies", headers=alice).json()
    eligible = {p["policy_id"]: p for p in body["eligible"]}
    transit = eligible["demo-policy-010"]
    assert transit["title"] == "广州市老年人免费及优惠乘坐公共交通"
    assert [(r["condition"], r["fact"]) for r in transit["met"]] == [
        ("年龄 ≥ 60", "年龄：60"),
        ("常住地区在广州市范围内", "常住地区：天河区（440106）"),
    ]
    near = {p["policy_id"]: p for p in body["near_misses"]}
    assert [r["condition"] for r in near["demo-policy-008"]["missing"]] == ["就业状态为在职"]


def test_the_push_list_is_for_administrators_and_pages_with_a_cursor(client: TestClient) -> None:
    for user in ("u1", "u2", "u3"):
        client.put(f"/v1/users/{user}/profile", json=SENIOR, headers=_auth(user))
    url = "/v1/policies/demo-policy-010/eligible"
    assert client.get(url, headers=_auth("u1")).status_code == 401
    first = client.get(url, params={"size": 2}, headers=ADMIN).json()
    assert first["user_ids"] == ["u1", "u2"] and first["next_cursor"]
    rest = client.get(url, params={"size": 2, "cursor": first["next_cursor"]}, headers=ADMIN)
    assert rest.json() == {"policy_id": "demo-policy-010", "user_ids": ["u3"], "next_cursor": None}


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        pytest.param({}, "feature_disabled", id="no-keys"),
        pytest.param(
            {"token_secret": "k" * 32, "id_salt": "s" * 16}, "index_not_ready", id="loading"
        ),
    ],
)
def test_without_a_loaded_personal_space_the_routes_answer_503(
    keys: dict[str, str], code: str
) -> None:
    """Switched off by configuration (do not retry) is told apart from still loading."""
    settings = Settings(personal=PersonalSettings(**keys))  # type: ignore[arg-type]
    with client_with(settings, {}) as c:
        response = c.get("/v1/users/alice/profile", headers=_auth("alice"))
    assert response.status_code == 503 and response.json()["code"] == code
