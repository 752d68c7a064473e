"""GET /v1/suggest through FastAPI's TestClient, around the session's demo runtime."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.runtime import Runtime

ERROR_KEYS = {"type", "title", "status", "code", "detail", "request_id"}


@pytest.fixture(scope="module")
def client(demo_runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(demo_runtime.settings, runtime=demo_runtime)
    with TestClient(app) as c:
        yield c


def test_suggest_returns_the_documented_shape(client: TestClient) -> None:
    response = client.get("/v1/suggest", params={"q": "shb", "size": 5})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"query", "suggestions", "took_ms"} and body["query"] == "shb"
    assert 1 <= len(body["suggestions"]) <= 5
    first = body["suggestions"][0]
    assert set(first) == {"text", "kind", "id", "score"}
    assert first["text"].startswith("社会保障卡") and first["kind"] == "item" and first["id"]


def test_suggest_defaults_to_eight_suggestions(client: TestClient) -> None:
    assert len(client.get("/v1/suggest", params={"q": "社"}).json()["suggestions"]) == 8


def test_a_blank_prefix_answers_with_no_suggestions(client: TestClient) -> None:
    body = client.get("/v1/suggest", params={"q": "  "}).json()
    assert body["suggestions"] == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        pytest.param({"q": "护" * 51}, "invalid_request", id="too-long-q"),
        pytest.param({}, "invalid_request", id="missing-q"),
        pytest.param({"q": ""}, "invalid_request", id="empty-q"),
        pytest.param({"q": "社保", "size": 21}, "invalid_request", id="size-too-big"),
        pytest.param({"q": "社保", "size": 0}, "invalid_request", id="size-zero"),
    ],
)
def test_bad_parameters_get_a_422_in_the_one_error_shape(
    client: TestClient, params: dict[str, object], code: str
) -> None:
    response = client.get("/v1/suggest", params=params, headers={"X-Request-ID": "req-7"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == code and body["request_id"] == "req-7"


def test_a_fifty_character_prefix_is_accepted(client: TestClient) -> None:
    assert client.get("/v1/suggest", params={"q": "护" * 50}).status_code == 200
