"""An administrator's FAQ entry about a place outside the catalogue's home regions is still
answered by its own question (the reviewer's 广州市居住证怎么续签？ in a Beijing catalogue went
to hand-off, because "foreign region" was judged against the catalogue, not the entry)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, Settings
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import load_runtime

ADMIN = {"Authorization": "Bearer admin-s3cret"}

pytestmark = pytest.mark.integration


@pytest.fixture
def client(
    writable_index_dir: Path, tmp_path: Path, segmenter: Segmenter, encoder: CachedEncoder
) -> Iterator[TestClient]:
    settings = Settings(
        index_dir=writable_index_dir,
        state_db=tmp_path / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("admin-s3cret")]),
    )
    runtime = load_runtime(settings, (segmenter, encoder))
    with TestClient(create_app(settings, runtime=runtime)) as c:
        yield c
    runtime.close()


def test_an_entry_naming_a_city_outside_the_home_regions_answers_its_own_question(
    client: TestClient,
) -> None:
    # The demo catalogue's FAQ is about Hangzhou, Guangzhou and Shenzhen.
    question = "北京市居住证怎么续签？"
    entry = {"question": question, "answer": "持居住证到居住地派出所或社区服务站办理签注。"}
    assert client.post("/v1/admin/faq", json=entry, headers=ADMIN).status_code == 201
    answer = client.post("/v1/qa", json={"question": question}).json()
    assert answer["action"] == "answer", answer
    assert answer["sources"][0]["title"] == question
