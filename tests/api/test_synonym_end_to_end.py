"""An administrator adds a synonym over HTTP and the very next search uses it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fakes import HashEncoder
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.api.auth import hash_token
from zwfw.core.settings import AdminSettings, Settings
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.runtime import load_runtime

pytestmark = pytest.mark.storage  # also run on PostgreSQL (scripts/test)

ITEMS = [
    {"kind": "item", "id": "i1", "name": "机动车驾驶证补领", "item_type": "行政许可",
     "department": "广州市公安局", "region_code": "440100", "region_name": "广州市",
     "level": "市级", "audiences": ["自然人"]},
    {"kind": "item", "id": "i2", "name": "车船税缴纳", "item_type": "公共服务",
     "department": "国家税务总局广州市税务局", "region_code": "440100", "region_name": "广州市",
     "level": "市级", "audiences": ["自然人"]},
]  # fmt: skip


def test_a_synonym_added_over_http_is_used_by_the_next_search(
    tmp_path: Path, segmenter: Segmenter
) -> None:
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS), "utf-8")
    settings = Settings(
        index_dir=tmp_path / "ix",
        state_db=tmp_path / "state.sqlite",
        admin=AdminSettings(token_hashes=[hash_token("s3cret")]),
    )
    encoder = CachedEncoder(HashEncoder())
    build_index(load_sources([source]).records, settings, encoder, segmenter)
    runtime = load_runtime(settings, (segmenter, encoder))
    with TestClient(create_app(settings, runtime=runtime)) as client:

        def top(q: str) -> str | None:
            hits = client.get("/v1/search", params={"q": q, "types": "item"}).json()["hits"]
            return hits[0]["id"] if hits else None

        assert top("我的本本") != "i1"
        created = client.post(
            "/v1/admin/synonyms",
            json={"kind": "oneway", "terms": ["本本", "机动车驾驶证"]},
            headers={"Authorization": "Bearer s3cret"},
        )
        assert created.status_code == 201, created.text
        started = time.perf_counter()
        assert top("我的本本") == "i1"
        assert time.perf_counter() - started < 1.0
        unauthorized = client.post(
            "/v1/admin/synonyms", json={"kind": "oneway", "terms": ["a", "b"]}
        )
        assert unauthorized.status_code == 401
        assert unauthorized.headers["WWW-Authenticate"] == "Bearer"
