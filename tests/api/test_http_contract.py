"""The fixed HTTP contract, through FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.core.settings import Settings
from zwfw.runtime import Runtime

ERROR_KEYS = {"type", "title", "status", "code", "detail", "request_id"}


@pytest.fixture(scope="module")
def client(demo_runtime: Runtime) -> Iterator[TestClient]:
    app = create_app(demo_runtime.settings, runtime=demo_runtime)
    with TestClient(app) as c:
        yield c


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["counts"]["item"] >= 150


def test_readiness_is_503_until_an_index_exists(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(index_dir=tmp_path))) as c:
        body = c.get("/readyz")
        assert body.status_code == 503 and body.json()["status"] == "not_ready"
        search = c.get("/v1/search", params={"q": "护照"})
        assert search.status_code == 503 and search.json()["code"] == "index_not_ready"


@pytest.mark.integration
def test_search_returns_the_documented_shape(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "护照丢了怎么补", "size": 5}).json()
    assert {"query", "total", "took_ms", "hits", "facets"} <= set(body)
    hit = body["hits"][0]
    assert set(hit) == {
        "id",
        "type",
        "title",
        "score",
        "snippet",
        "highlight",
        "department",
        "region",
        "url",
    }
    assert "护照" in hit["title"] and len(body["hits"]) == 5
    assert {"type", "department"} <= set(body["facets"])


@pytest.mark.integration
def test_search_filters_by_type_and_region(client: TestClient) -> None:
    body = client.get(
        "/v1/search", params={"q": "身份证", "types": "item", "region": "深圳"}
    ).json()
    assert body["hits"] and all(
        h["type"] == "item" and h["region"] == "深圳市" for h in body["hits"]
    )


@pytest.mark.integration
def test_qa_answers_with_its_faq_source(client: TestClient) -> None:
    body = client.post("/v1/qa", json={"question": "医保密码忘了怎么办"}).json()
    assert body["action"] == "answer"
    assert body["sources"][0]["type"] == "faq" and body["answer"]
    assert set(body) == {"action", "answer", "sources", "suggestions"}


@pytest.mark.parametrize(
    ("method", "url", "payload", "status", "code"),
    [
        pytest.param(
            "get", "/v1/search?q=" + "护" * 201, None, 422, "invalid_request", id="long-query"
        ),
        pytest.param("get", "/v1/search", None, 422, "invalid_request", id="missing-q"),
        pytest.param("get", "/v1/search?q=", None, 422, "invalid_request", id="empty-q"),
        pytest.param("get", "/v1/search?q=x&size=0", None, 422, "invalid_request", id="size-0"),
        pytest.param("get", "/v1/search?q=x&size=51", None, 422, "invalid_request", id="size-51"),
        pytest.param(
            "get", "/v1/search?q=x&types=bogus", None, 422, "invalid_request", id="bad-type"
        ),
        pytest.param(
            "get", "/v1/search?q=x&region=火星", None, 422, "invalid_request", id="bad-region"
        ),
        pytest.param("get", "/v1/search?q=x&size=500", None, 422, "invalid_request", id="big-page"),
        pytest.param(
            "get", "/v1/search?q=x&page=1000000000", None, 422, "invalid_request", id="deep-page"
        ),
        pytest.param(
            "get", "/v1/search?q=%E2%80%8B", None, 422, "invalid_request", id="zero-width"
        ),
        pytest.param(
            "post", "/v1/qa", {"question": ""}, 422, "invalid_request", id="empty-question"
        ),
        pytest.param(
            "get", "/v1/search?q=%E3%80%82%EF%BC%9F", None, 422, "invalid_request", id="only-punct"
        ),
        pytest.param(
            "post", "/v1/qa", {"question": "\u0000\u0000"}, 422, "invalid_request", id="controls"
        ),
        pytest.param("post", "/v1/qa", {"question": "？？"}, 422, "invalid_request", id="qa-punct"),
        pytest.param(
            "post", "/v1/qa", {"question": "问" * 501}, 422, "invalid_request", id="long-question"
        ),
        pytest.param("get", "/v1/nothing", None, 404, "not_found", id="unknown-route"),
        pytest.param("delete", "/v1/search", None, 405, "method_not_allowed", id="bad-method"),
    ],
)
def test_every_error_has_one_shape(
    client: TestClient, method: str, url: str, payload: object, status: int, code: str
) -> None:
    response = client.request(method, url, json=payload, headers={"X-Request-ID": "req-42"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status and body["code"] == code and body["request_id"] == "req-42"


def test_a_request_id_is_returned_on_every_response(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/v1/search" in client.get("/openapi.json").json()["paths"]


def test_a_body_that_is_not_json_is_a_400_with_its_position(client: TestClient) -> None:
    response = client.post(
        "/v1/chat", content=b'{"message": "hi",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "http_error" and "not valid JSON" in body["detail"]
