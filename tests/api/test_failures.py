"""Failures a client or an operator must find clear: limits, ids, request ids, 500s,
disabled parts, start-up errors, one code per mistake. The app runs without an index here."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from testdata import ROOT
from typer.testing import CliRunner

from zwfw.api import create_app, errors
from zwfw.api.auth import hash_token
from zwfw.api.limits import BodyLimitMiddleware
from zwfw.cli import app as cli
from zwfw.core.errors import ConfigError, RateLimited, Unauthorized, ZwfwError
from zwfw.core.settings import ApiSettings, OpsSettings, PersonalSettings, Settings
from zwfw.runtime import Runtime

REVIEWER = {"Authorization": "Bearer rv-token"}
BIG = 2**63  # one past SQLite's largest integer
LIMIT = 4096


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        index_dir=tmp_path / "index",
        state_db=tmp_path / "state.sqlite",
        ops=OpsSettings(role_tokens={hash_token("rv-token"): "admin"}),
        api=ApiSettings(max_body_bytes=LIMIT),
    )


def _boom() -> None:
    raise RuntimeError("a bug")


def _fail(code: str) -> None:
    raise type("Failure", (ZwfwError,), {"code": code})("the ops database is read-only")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """One app for the module (building one per test was most of this file's time), with
    two routes that fail on purpose."""
    app = create_app(_settings(tmp_path_factory.mktemp("failures")))
    app.add_api_route("/boom", _boom)
    app.add_api_route("/fail/{code}", _fail)
    return app


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _is_problem(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == errors.MEDIA_TYPE  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["code"] == code
    return body


def test_a_body_over_the_limit_is_413_with_the_request_id(client: TestClient) -> None:
    response = client.post("/v1/ratings", content=b"x" * (LIMIT + 1))
    body = _is_problem(response, 413, "payload_too_large")
    assert body["request_id"] == response.headers["x-request-id"]


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    chunks = (b'{"a": "' + b"x" * 1000 for _ in range(10))  # no Content-Length: chunked
    _is_problem(client.post("/v1/ratings", content=chunks), 413, "payload_too_large")


def test_a_declared_oversized_body_is_refused_without_reading_it() -> None:
    sent: list[dict[str, object]] = []

    async def never(*_: object) -> None:
        raise AssertionError("the app must not run")

    async def receive() -> dict[str, object]:
        raise AssertionError("the body must not be read")

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    middleware = BodyLimitMiddleware(never, max_bytes=1024)  # type: ignore[arg-type]
    scope = {"type": "http", "headers": [(b"content-length", b"52428800")], "state": {}}
    asyncio.run(middleware(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("get", f"/v1/admin/curation/proposals/{BIG}", id="proposal"),
        pytest.param("put", f"/v1/admin/curation/proposals/{BIG}", id="edit"),
        pytest.param("post", f"/v1/admin/curation/proposals/{BIG}/approve", id="approve"),
        pytest.param("post", f"/v1/admin/curation/proposals/{BIG}/reject", id="reject"),
        pytest.param("post", f"/v1/admin/curation/proposals/{BIG}/publish", id="publish"),
        pytest.param("post", f"/v1/admin/curation/tasks/{BIG}/dismiss", id="dismiss"),
        pytest.param("get", f"/v1/admin/curation/audit?entity_id={BIG}", id="audit"),
        pytest.param("get", "/v1/admin/curation/proposals/99", id="absent-is-404"),
    ],
)
def test_ids_past_the_64_bit_range_are_a_client_error_not_a_500(
    client: TestClient, method: str, path: str
) -> None:
    body = {"payload": {}} if method == "put" else {"reason": "x"}
    response = client.request(method, path, headers=REVIEWER, json=body)
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        pytest.param("req-42", True, id="plain"),
        pytest.param("a" * 5000, False, id="too-long"),
        pytest.param("<script>alert(1)</script>", False, id="markup"),
        pytest.param("a b", False, id="space"),
    ],
)
def test_a_request_id_is_echoed_only_when_short_and_plain(
    client: TestClient, sent: str, kept: bool
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    echoed = response.headers["x-request-id"]
    assert (echoed == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,64}", echoed)


def test_a_500_carries_its_request_id_in_header_body_and_log(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="zwfw.api.errors")
    response = client.get("/boom", headers={"X-Request-ID": "trace-500"})
    body = _is_problem(response, 500, "internal_error")
    assert response.headers["x-request-id"] == "trace-500" == body["request_id"]
    logged = [r for r in caplog.records if r.name == "zwfw.api.errors"]
    assert logged and logged[0].request_id == "trace-500"  # type: ignore[attr-defined]


def test_a_personal_space_without_keys_is_disabled_not_loading(client: TestClient) -> None:
    response = client.get("/v1/users/u1/profile", headers={"Authorization": "Bearer x"})
    body = _is_problem(response, 503, "feature_disabled")
    assert "ZWFW_PERSONAL__TOKEN_SECRET" in str(body["detail"])


def test_a_state_database_under_a_file_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    settings = _settings(tmp_path).model_copy(update={"state_db": tmp_path / "afile" / "s.db"})
    with pytest.raises(ConfigError, match="ZWFW_STATE_DB"):
        create_app(settings)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        pytest.param({"ZWFW_SEARCH__RRFK": "5"}, "ZWFW_SEARCH__RRFK", id="typo"),
        pytest.param({"ZWFW_SEARCH__RRF_K": "0"}, "ZWFW_SEARCH__RRF_K", id="out-of-range"),
        pytest.param({"ZWFW_STATE_DB": "afile/state.sqlite"}, "ZWFW_STATE_DB", id="db-under-file"),
    ],
)
def test_the_cli_reports_a_bad_setting_in_one_line(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    (tmp_path / "afile").write_text("x")  # the working folder is tmp_path
    result = CliRunner().invoke(cli, ["serve"], env=env)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in result.output


def test_every_error_code_is_documented() -> None:
    documented = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [code for code in errors.CODES if f"`{code}`" not in documented]
    assert missing == []


def test_the_openapi_declares_every_error_status_as_problem_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            for status in ("413", "422", "503"):
                assert errors.MEDIA_TYPE in declared[status]["content"], (method, path, status)
            if path.startswith("/v1/admin"):
                assert "401" in declared, (method, path)
    clicks = spec["paths"]["/v1/clicks"]["post"]["responses"]
    assert "content" not in clicks["202"]
    assert "429" in clicks


def test_a_click_is_202_with_no_body(client: TestClient) -> None:
    response = client.post("/v1/clicks", json={"request_id": "r1", "position": 1, "id": "x"})
    assert response.status_code == 202 and response.content == b""


def test_the_api_docs_page_loads_no_asset_from_another_host(client: TestClient) -> None:
    page = client.get("/docs").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', page) + re.findall(r"url: '([^']+)'", page)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "cdn" not in page
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_routes_raise_domain_errors_only() -> None:
    """HTTPException and hand-made problem responses bypass the one error mapping."""
    routes = ROOT / "zwfw" / "api" / "routes"
    offenders = [
        f.name
        for f in routes.glob("*.py")
        if re.search(r"HTTPException|problem\(|JSONResponse\(\{", f.read_text(encoding="utf-8"))
        and f.name != "health.py"
    ]
    assert offenders == []


def test_tokens_are_hashed_and_compared_in_one_place() -> None:
    from zwfw.api import auth
    from zwfw.ops import roles

    assert auth.hash_token is roles.hash_token
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "zwfw").rglob("*.py")]
    assert sum("hmac.compare_digest" in s for s in sources) == 1
    assert sum("def _unauthorized" in s for s in sources) == 0


@pytest.mark.parametrize(("code", "status"), sorted(errors.CODES.items()))
def test_every_domain_code_has_its_status_and_the_one_body(
    client: TestClient, code: str, status: int
) -> None:
    body = _is_problem(client.get(f"/fail/{code}", headers={"X-Request-ID": "r-1"}), status, code)
    assert body == {
        "type": f"about:blank#{code}", "title": HTTPStatus(status).phrase, "status": status,
        "code": code, "detail": "the ops database is read-only", "request_id": "r-1",
    }  # fmt: skip


@pytest.mark.parametrize(("code", "status"), [("rate_limited", 429), ("unauthorized", 401)])
def test_headers_go_with_their_codes(code: str, status: int) -> None:
    """Retry-After with a 429 and WWW-Authenticate with a 401, from the domain error."""
    app = FastAPI()
    errors.install(app)

    def fail() -> None:
        raise RateLimited("slow down", 7) if code == "rate_limited" else Unauthorized("who?")

    app.add_api_route("/x", fail)
    response = TestClient(app).get("/x")
    _is_problem(response, status, code)
    assert response.headers.get("retry-after" if status == 429 else "www-authenticate")


def test_a_deleted_store_makes_readiness_fail_naming_it(
    writable_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    settings = writable_runtime.settings  # every store is in its one state database
    with TestClient(create_app(settings, runtime=writable_runtime)) as c:
        assert c.get("/readyz").status_code == 200
        settings.state_db.unlink()
        response = c.get("/readyz")
    assert response.status_code == 503
    assert "ZWFW_STATE_DB" in response.json()["reason"] and "gone" in response.json()["reason"]
    assert any("store unusable: ZWFW_STATE_DB" in r.getMessage() for r in caplog.records)


def test_every_timestamp_in_the_api_is_iso_8601_utc_with_an_offset(client: TestClient) -> None:
    from zwfw.api.schemas import Timestamp  # noqa: F401 - the one type of every time field

    editor = {"Authorization": "Bearer rv-token"}
    body = {"kind": "synonym", "payload": {"kind": "equivalent", "terms": ["社保卡", "社会保障卡"]}}
    proposal = client.post("/v1/admin/curation/proposals", json=body, headers=editor).json()
    audit = client.get("/v1/admin/curation/audit", headers=editor).json()
    stamps = [proposal["created_at"], proposal["updated_at"], audit[0]["at"]]
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", stamp), stamp
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    times = [(name, field) for name, model in spec.items()
             for field, prop in model.get("properties", {}).items()
             if field in ("at", "created_at", "updated_at", "first_seen", "last_seen")]  # fmt: skip
    assert times and all(
        spec[name]["properties"][field].get("format") == "date-time"
        or any(
            x.get("format") == "date-time" for x in spec[name]["properties"][field].get("anyOf", [])
        )
        for name, field in times
    ), times


def test_a_short_personal_secret_disables_the_personal_space_and_nothing_else(
    writable_runtime: Runtime,
) -> None:
    settings = writable_runtime.settings.model_copy(
        update={"personal": PersonalSettings(token_secret="too-short", id_salt="s" * 16)}
    )
    with TestClient(create_app(settings, runtime=writable_runtime)) as c:
        assert c.get("/readyz").status_code == 200
        assert c.get("/v1/search", params={"q": "护照"}).status_code == 200
        response = c.get("/v1/users/u1/profile", headers={"Authorization": "Bearer x"})
    body = _is_problem(response, 503, "feature_disabled")
    assert "at least 32 bytes" in str(body["detail"])
