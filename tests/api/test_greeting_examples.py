"""The greeting's example chips come from what is loaded: the query log's frequent queries
that find something, the national high-frequency services the catalogue holds, then the
catalogue's own citizen services, so every chip resolves on the catalogue being served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from zwfw.api import create_app
from zwfw.api.examples import catalogue_examples, greeting_examples
from zwfw.core.records import Item
from zwfw.core.settings import Settings
from zwfw.runtime import Runtime


def _item(i: int, name: str, catalog: str = "", audiences: tuple[str, ...] = ("自然人",)) -> Item:
    return Item(
        id=f"i{i}", name=name, item_type="行政许可", department="某局", region_code="440100",
        region_name="广州市", level="市级", audiences=audiences, catalog_name=catalog or name,
    )  # fmt: skip


CATALOGUE = [
    _item(1, "普通护照签发（首次申请）", "普通护照签发"),
    _item(2, "船舶登记（甲）", "船舶登记", ("自然人", "企业法人")),
    _item(3, "船舶登记（乙）", "船舶登记", ("自然人", "企业法人")),
    *(_item(10 + i, f"驾驶证核发（情形{i}）", "驾驶证核发") for i in range(3)),
    *(_item(20 + i, f"导游证核发（情形{i}）", "导游证核发") for i in range(2)),
    _item(30, "一个名字很长很长很长的个人事项办理", "一个名字很长很长很长的个人事项办理"),
]


def test_frequent_queries_that_find_something_come_first() -> None:
    catalogue = catalogue_examples(CATALOGUE)
    found = greeting_examples(
        catalogue, ["查不到的东西", "驾驶证怎么考", "护照"], resolves=lambda q: q != "查不到的东西"
    )
    assert found == ["驾驶证怎么考", "护照", "普通护照签发"]


def test_without_a_query_log_high_frequency_services_then_the_catalogues_own() -> None:
    found = greeting_examples(catalogue_examples(CATALOGUE), [], resolves=lambda q: True)
    # 普通护照签发 is on the national high-frequency list; then the citizen services with the
    # most variants; services also aimed at companies and long names are left out.
    assert found == ["普通护照签发", "驾驶证核发", "导游证核发"]


def test_a_catalogue_without_citizen_items_gives_no_chips_rather_than_wrong_ones() -> None:
    assert catalogue_examples([_item(1, "船舶登记", audiences=("企业法人",))]) == []


@pytest.fixture
def client(writable_runtime: Runtime, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        index_dir=writable_runtime.settings.index_dir, state_db=tmp_path / "state.sqlite"
    )
    with TestClient(create_app(settings, runtime=writable_runtime)) as c:
        yield c


@pytest.mark.integration
def test_the_page_and_the_chat_greeting_offer_chips_that_find_items(client: TestClient) -> None:
    examples = client.get("/v1/pages/config").json()["examples"]
    assert len(examples) == 3
    for text in examples:
        page = client.get("/v1/search", params={"q": text, "types": "item"}).json()
        assert page["total"] > 0 and page["fallback"] == "none", text
    greeting = client.post("/v1/chat", json={"message": "你好"}).json()
    assert greeting["action"] == "smalltalk" and greeting["options"] == examples
    asked = client.post("/v1/chat", json={"message": examples[0]}).json()
    assert asked["action"] in ("answer", "clarify", "navigate") and (
        asked["cards"] or asked["sources"] or asked["options"]
    )
