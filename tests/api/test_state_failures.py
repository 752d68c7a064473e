"""A state database that cannot take writes (read-only, full) answers every edit with a 503
problem naming the store, never a 500, and loses nothing it acknowledged.

Both are reproduced honestly as root too: SQLite opens the file read-only itself
(`mode=ro`, as on a read-only mount: file permissions do not stop root), and
`PRAGMA max_page_count` gives SQLITE_FULL, the error a full disk gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr

from zwfw.api import create_app, errors
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, Settings
from zwfw.runtime import Runtime
from zwfw.storage import open_storage
from zwfw.storage.tables import faq_edits, ratings

AUTH = {"Authorization": "Bearer s3cret"}
ITEM = "11440100MB2C63962G3440708601001"  # a demo item (Guangzhou marriage registration)
FAQ = {"question": "长者饭堂的助餐补贴怎么申请？", "answer": "持身份证到社区长者饭堂登记即可。"}


def _settings(runtime: Runtime, **update: Any) -> Settings:
    admin = AdminSettings(token_hashes=[hash_token("s3cret")])
    return runtime.settings.model_copy(update={"admin": admin, "state_url": None, **update})


@contextmanager
def _serving(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(settings, runtime=runtime)) as client:
        yield client


def _edits(client: TestClient, n: int) -> list[int]:
    """One FAQ edit, one navigation hint and one rating; their statuses."""
    return [
        client.post("/v1/admin/faq", json={**FAQ, "id": f"faq-{n}"}, headers=AUTH).status_code,
        client.post("/v1/admin/nav/hints", json=_hint(n), headers=AUTH).status_code,
        client.post(
            "/v1/ratings", json={"target": {"type": "item", "id": f"x{n}"}, "score": 4}
        ).status_code,
    ]


def _hint(n: int) -> dict[str, Any]:
    return {"id": f"hint-{n}", "phrases": [f"登记结婚{n}"], "item_ids": [ITEM]}


def _is_store_problem(response: Any, reason: str) -> bool:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == errors.MEDIA_TYPE
    body = response.json()
    assert body["code"] == "backend_unavailable" and body["request_id"]
    assert "store is unavailable" in body["detail"] and reason in body["detail"], body
    return True


def _kept(settings: Settings) -> tuple[set[str], int]:
    with open_storage(settings).read("test") as conn:
        faqs = set(conn.execute(sa.select(faq_edits.c.id)).scalars())
        rated = conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar()
    return faqs, int(rated or 0)


def test_a_read_only_state_database_answers_503_naming_the_store_and_keeps_its_data(
    writable_runtime: Runtime,
) -> None:
    settings = _settings(writable_runtime)
    with _serving(settings, writable_runtime) as client:
        assert _edits(client, 1) == [201, 201, 201]  # acknowledged
    db = settings.state_db
    read_only = _settings(
        writable_runtime, state_url=SecretStr(f"sqlite:///file:{db}?mode=ro&uri=true")
    )
    with _serving(read_only, writable_runtime) as client:
        for response in (
            client.post("/v1/admin/faq", json={**FAQ, "id": "faq-2"}, headers=AUTH),
            client.post("/v1/admin/nav/hints", json=_hint(2), headers=AUTH),
            client.post("/v1/ratings", json={"target": {"type": "item", "id": "x2"}, "score": 4}),
        ):
            _is_store_problem(response, "readonly")
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "ZWFW_STATE_URL" in ready.json()["reason"]
        assert client.get("/v1/admin/faq/faq-1", headers=AUTH).status_code == 200  # reads work
        assert client.get("/v1/search", params={"q": "护照"}).status_code == 200
    faqs, rated = _kept(settings)
    assert "faq-1" in faqs and "faq-2" not in faqs and rated == 1
    found = writable_runtime.index.docs.get(["faq:faq-2"])
    assert not found  # the refused edit did not reach the index either


def test_a_full_state_database_answers_503_naming_the_store_and_keeps_what_it_acknowledged(
    writable_runtime: Runtime,
) -> None:
    settings = _settings(writable_runtime)
    with _serving(settings, writable_runtime) as client:
        acknowledged = [f"faq-{n}" for n in range(3)]
        for faq_id in acknowledged:
            created = client.post("/v1/admin/faq", json={**FAQ, "id": faq_id}, headers=AUTH)
            assert created.status_code == 201
        _cap_pages(open_storage(settings))  # the app's own storage: the process shares it
        refused = "faq-big"  # a long answer needs new pages, which the full file cannot give
        faq = {**FAQ, "id": refused, "answer": FAQ["answer"] * 150}
        _is_store_problem(client.post("/v1/admin/faq", json=faq, headers=AUTH), "disk is full")
        # A small write may still fit a page's free space; either way, never a 500.
        hint = client.post("/v1/admin/nav/hints", json=_hint(1), headers=AUTH)
        rating = {"target": {"type": "item", "id": "x"}, "score": 4, "comment": "好" * 500}
        for other in (hint, client.post("/v1/ratings", json=rating)):
            assert other.status_code == 201 or _is_store_problem(other, "disk is full")
        kept_hint = client.get("/v1/admin/nav/hints/hint-1", headers=AUTH).status_code
        assert kept_hint == (200 if hint.status_code == 201 else 404)
    faqs, _ = _kept(settings)
    assert set(acknowledged) <= faqs and refused not in faqs
    assert not writable_runtime.index.docs.get([f"faq:{refused}"])


def _cap_pages(storage: Any) -> None:
    """Every new connection may not grow the file past its size now (SQLITE_FULL after)."""

    @sa.event.listens_for(storage.engine, "connect")
    def _cap(dbapi: Any, _record: object) -> None:
        pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
        dbapi.execute(f"PRAGMA max_page_count={pages}")

    storage.engine.dispose()


@pytest.fixture(autouse=True)
def _sqlite_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both failures are SQLite's; the PostgreSQL pass covers an unreachable server."""
    monkeypatch.delenv("ZWFW_STATE_URL", raising=False)
