"""Ratings, clicks, analytics, curation and /metrics over HTTP, with role checks and masking."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from api_apps import client_with
from fastapi.testclient import TestClient
from ops.pii_samples import PII_QUERIES, SECRETS
from prometheus_client.parser import text_string_to_metric_families

from zwfw.api.deps import get_search
from zwfw.core.settings import Settings
from zwfw.ops import JsonFormatter, Ops, Publishers, create_ops, hash_token
from zwfw.search import SearchHit, SearchPage
from zwfw.storage import Storage, migrate

ERROR_KEYS = {"type", "title", "status", "code", "detail", "request_id"}
TOKENS = {"editor": "ed-token", "reviewer": "rv-token", "admin": "ad-token"}
AUTH = {role: {"Authorization": f"Bearer {token}"} for role, token in TOKENS.items()}
CURATION = "/v1/admin/curation"
ANALYTICS = "/v1/admin/analytics"
log = logging.getLogger("zwfw.test.search")


class _LoggingSearch:
    """Stands in for the search service behind the real route: it logs inside the request,
    as the real one may, and returns three hits (none for 火星)."""

    def search(self, q: str, filters: object, page: int = 1, size: int = 10) -> SearchPage:
        log.info("search for %s", q)
        hits = [SearchHit(f"item-{i}", "item", "t", 1.0, "", {}, "d", None, None) for i in range(3)]
        return SearchPage(q, 0 if "火星" in q else 3, 12.0, [] if "火星" in q else hits)


@contextmanager
def _client(ops: Ops) -> Iterator[TestClient]:
    """The real app on the test's operations container, with the search service swapped."""
    with client_with(Settings(), {get_search: _LoggingSearch()}, ops=ops) as c:
        yield c


@pytest.fixture
def published() -> list[tuple[str, list[str], str]]:
    return []


@pytest.fixture
def ops(storage: Storage, published: list[Any]) -> Iterator[Ops]:
    roles = {hash_token(token): role for role, token in TOKENS.items()}
    publishers = Publishers(synonym=lambda kind, terms, who: published.append((kind, terms, who)))
    ops = create_ops(storage, roles, publishers)
    yield ops
    ops.close()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every zwfw log line, as the JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("zwfw")
    root.addHandler(handler)
    old_level, root.level = root.level, logging.INFO
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def client(ops: Ops, logs: io.StringIO) -> Iterator[TestClient]:
    with _client(ops) as c:
        yield c


def _rate(client: TestClient, **overrides: Any) -> Any:
    body = {"target": {"type": "answer", "id": "faq-1"}, "score": 2, **overrides}
    return client.post("/v1/ratings", json=body)


# -- ratings and clicks ------------------------------------------------------------------


def test_a_rating_is_stored_and_aggregated_per_target(client: TestClient) -> None:
    response = _rate(client, tags=["没解决"], comment="答非所问")
    assert response.status_code == 201 and response.json()["target"]["id"] == "faq-1"
    _rate(client, score=4)
    rows = client.get(f"{ANALYTICS}/ratings", headers=AUTH["editor"]).json()
    assert rows == [
        {
            "key": "answer:faq-1",
            "count": 2,
            "mean": 3.0,
            "good_share": 0.5,
            "scores": [0, 1, 0, 1, 0],
        }
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"score": 0}, id="score-0"),
        pytest.param({"score": 6}, id="score-6"),
        pytest.param({"target": {"type": "policy", "id": "p"}}, id="unknown-type"),
        pytest.param({"target": {"type": "item", "id": ""}}, id="empty-id"),
        pytest.param({"tags": ["x"] * 11}, id="too-many-tags"),
    ],
)
def test_an_invalid_rating_is_422_in_the_error_shape(
    client: TestClient, overrides: dict[str, Any]
) -> None:
    response = _rate(client, **overrides)
    assert response.status_code == 422
    assert set(response.json()) == ERROR_KEYS and response.json()["code"] == "invalid_request"


def test_a_client_rating_too_fast_gets_429_with_retry_after(client: TestClient) -> None:
    statuses = [_rate(client).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]
    limited = _rate(client)
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def test_a_click_names_the_search_by_its_request_id(client: TestClient, ops: Ops) -> None:
    rid = client.get("/v1/search", params={"q": "护照"}).headers["X-Request-ID"]
    click = {"request_id": rid, "position": 2, "id": "item-1"}
    assert client.post("/v1/clicks", json=click).status_code == 202
    ops.querylog.flush()
    ctr = client.get(f"{ANALYTICS}/ctr-by-position", headers=AUTH["editor"]).json()
    assert ctr[:2] == [
        {"position": 1, "impressions": 1, "clicks": 0, "ctr": 0.0},
        {"position": 2, "impressions": 1, "clicks": 1, "ctr": 1.0},
    ]


# -- roles ---------------------------------------------------------------------------------

ROUTES = [
    ("get", f"{CURATION}/tasks"),
    ("get", f"{CURATION}/proposals"),
    ("post", f"{CURATION}/proposals"),
    ("post", f"{CURATION}/proposals/1/approve"),
    ("post", f"{CURATION}/proposals/1/publish"),
    ("get", f"{CURATION}/audit"),
    ("get", f"{ANALYTICS}/top-queries"),
    ("get", f"{ANALYTICS}/latency"),
]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}], ids=["none", "bad"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_admin_routes_need_a_role_token(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        pytest.param("reviewer", "/proposals", id="reviewer-cannot-propose"),
        pytest.param("editor", "/proposals/1/approve", id="editor-cannot-approve"),
        pytest.param("editor", "/proposals/1/publish", id="editor-cannot-publish"),
    ],
)
def test_the_wrong_role_is_403(client: TestClient, role: str, path: str) -> None:
    body = {"kind": "synonym", "payload": {"kind": "equivalent", "terms": ["a", "b"]}}
    response = client.post(CURATION + path, json=body, headers=AUTH[role])
    assert response.status_code == 403
    assert set(response.json()) == ERROR_KEYS and response.json()["code"] == "forbidden"


def test_a_fix_goes_live_only_after_review(client: TestClient, published: list[Any]) -> None:
    body = {"kind": "synonym", "payload": {"kind": "equivalent", "terms": ["社保卡", "社会保障卡"]}}
    draft = client.post(f"{CURATION}/proposals", json=body, headers=AUTH["editor"]).json()
    url = f"{CURATION}/proposals/{draft['id']}"
    early = client.post(f"{url}/publish", headers=AUTH["reviewer"])
    assert early.status_code == 409 and early.json()["code"] == "conflict" and published == []
    assert client.post(f"{url}/approve", headers=AUTH["reviewer"]).json()["state"] == "approved"
    assert client.post(f"{url}/publish", headers=AUTH["admin"]).json()["state"] == "live"
    assert [p[1] for p in published] == [["社保卡", "社会保障卡"]]
    audit = client.get(f"{CURATION}/audit", headers=AUTH["editor"]).json()
    assert [(a["action"], a["role"]) for a in audit] == [
        ("publish", "admin"), ("approve", "reviewer"), ("propose", "editor"),
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
@pytest.mark.parametrize("path", ["/audit", "/audit/1"])
def test_no_route_changes_the_audit_log(
    client: TestClient, ops: Ops, method: str, path: str
) -> None:
    body = {"kind": "synonym", "payload": {"kind": "equivalent", "terms": ["a", "b"]}}
    client.post(f"{CURATION}/proposals", json=body, headers=AUTH["editor"])
    before = client.get(f"{CURATION}/audit", headers=AUTH["admin"]).json()
    response = client.request(method, CURATION + path, headers=AUTH["admin"], json={"actor": "x"})
    assert response.status_code in (404, 405)
    assert client.get(f"{CURATION}/audit", headers=AUTH["admin"]).json() == before
    assert ops.curation.audit_intact()


# -- analytics -----------------------------------------------------------------------------


def test_analytics_export_csv_that_spreadsheets_open_safely(client: TestClient, ops: Ops) -> None:
    for q in ("火星签证", "火星签证", "=HYPERLINK(1)火星"):
        client.get("/v1/search", params={"q": q})
    ops.querylog.flush()
    response = client.get(
        f"{ANALYTICS}/zero-result-queries", params={"format": "csv"}, headers=AUTH["reviewer"]
    )
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0] == "\ufeffquery,count,example"
    assert lines[1:] == ["火星签证,2,火星签证", "'=HYPERLINK(1)火星,1,'=HYPERLINK(1)火星"]


def test_an_inverted_date_range_is_422(client: TestClient) -> None:
    params = {"since": "2025-03-02", "until": "2025-03-01"}
    response = client.get(f"{ANALYTICS}/top-queries", params=params, headers=AUTH["editor"])
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_personal_data_never_reaches_logs_analytics_or_exports(
    client: TestClient, ops: Ops, logs: io.StringIO
) -> None:
    for query in PII_QUERIES:
        client.get("/v1/search", params={"q": query})
        _rate(client, comment=query, tags=[query[:20]])
    ops.querylog.flush()
    ops.curation.refresh_tasks(force=True)
    read = [logs.getvalue()]
    for name in ("top-queries", "zero-result-queries", "no-click-queries", "ratings"):
        for fmt in ("json", "csv"):
            url = f"{ANALYTICS}/{name}"
            read.append(client.get(url, params={"format": fmt}, headers=AUTH["admin"]).text)
    read.append(client.get(f"{CURATION}/tasks", headers=AUTH["admin"]).text)
    assert "[身份证号]" in read[0] and "[手机号]" in "".join(read)  # masked, not dropped
    leaked = [s for s in SECRETS for text in read if s in text]
    assert leaked == []


# -- observability ---------------------------------------------------------------------------


def test_each_request_logs_one_json_line_with_its_request_id_and_route(
    client: TestClient, logs: io.StringIO
) -> None:
    response = client.get(f"{CURATION}/proposals/42", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "zwfw.access"]
    assert access == [
        {**access[0], "request_id": "abc-123", "status": 401, "method": "GET",
         "route": "/v1/admin/curation/proposals/{proposal_id}"},
    ]  # fmt: skip


def test_a_log_line_written_inside_a_route_carries_the_request_id(
    client: TestClient, logs: io.StringIO
) -> None:
    rid = client.get("/v1/search", params={"q": "护照"}).headers["X-Request-ID"]
    lines = [json.loads(line) for line in logs.getvalue().splitlines()]
    inner = [line for line in lines if line["logger"] == "zwfw.test.search"]
    assert inner and inner[0]["request_id"] == rid and inner[0]["message"] == "search for 护照"


def test_metrics_are_valid_prometheus_text_with_route_templates(
    client: TestClient,
) -> None:
    client.get("/v1/search", params={"q": "护照"})
    client.get(f"{CURATION}/proposals/7", headers=AUTH["editor"])
    client.get("/no/such/page/13800138000")
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert {"zwfw_http_requests", "zwfw_http_request_duration_seconds", "zwfw_curation_queue",
            "zwfw_encoder_duration_seconds", "zwfw_querylog_pending"} <= set(families)  # fmt: skip
    routes = {s.labels["route"] for s in families["zwfw_http_requests"].samples}
    assert routes == {"/v1/search", f"{CURATION}/proposals/{{proposal_id}}", "<unmatched>"}
    queue = {s.labels["item"]: s.value for s in families["zwfw_curation_queue"].samples}
    assert queue == {"tasks_open": 0, "proposals_draft": 0, "proposals_approved": 0}


def test_two_apps_keep_separate_metrics(tmp_path: Path) -> None:
    first, second = (create_ops(_migrated(tmp_path / n), {}) for n in ("a", "b"))
    try:
        with _client(first) as c:
            c.get("/v1/search", params={"q": "护照"})
        assert b"/v1/search" not in second.metrics.render()[0]
    finally:
        first.close()
        second.close()


def _migrated(where: Path) -> Storage:
    storage = Storage(f"sqlite:///{where / 'state.sqlite'}")
    migrate(storage)
    return storage
