from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from testdata import DEMO, shared_file

from zwfw.core import App, Faq, Item, Policy, SourceError
from zwfw.indexer import load_file, load_sources

FAQ = {
    "kind": "faq",
    "id": "f1",
    "question": "医保密码忘了怎么办",
    "answer": "带身份证到医保窗口重置。",
}


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines),
        encoding="utf-8",
    )
    return path


def test_a_bad_line_is_reported_with_its_number_and_skipped(tmp_path: Path) -> None:
    good = [{**FAQ, "id": f"f{i}"} for i in range(30)]
    path = _write(tmp_path / "faq.jsonl", [*good[:10], "{not json", *good[10:]])
    result = load_file(path)
    assert len(result.records) == 30
    assert [(b.line, "Expecting property name" in b.reason) for b in result.bad] == [(11, True)]


def test_a_file_with_too_many_bad_records_fails_as_a_whole(tmp_path: Path) -> None:
    path = _write(tmp_path / "faq.jsonl", [FAQ, {"kind": "faq", "id": "x"}, "[1, 2]"])
    with pytest.raises(SourceError, match="2 of 3 records are bad"):
        load_file(path, max_bad_share=0.05)


def test_the_real_formats_are_detected_per_record(tmp_path: Path) -> None:
    gd = {
        "item_code": "114400000069401A",
        "name": "居民身份证换领",
        "catalog_name": "居民身份证换领",
        "item_type": "行政确认",
        "department": "广东省公安厅",
        "area": "广东省广州市",
        "level": "市级",
        "service_objects": ["自然人"],
        "themes": ["其他"],
        "materials": "无",
        "online_available": "否",
        "online_url": "无",
        "consult_phone": "020-12345",
    }
    bj = {
        "id": "faq-9",
        "question": "社保卡丢了怎么办",
        "answer": "拨打12333挂失。",
        "department": "人社局",
    }
    records = load_file(_write(tmp_path / "mixed.jsonl", [gd, bj, FAQ])).records
    item, faq, canonical = records
    assert isinstance(item, Item) and item.region_code == "440100" and item.materials == ()
    assert item.online_url is None and item.themes == () and item.consult_phone == "020-12345"
    assert isinstance(faq, Faq) and faq.region_code == "110000"
    assert isinstance(canonical, Faq) and canonical.id == "f1"


def test_a_later_source_replaces_a_record_with_the_same_kind_and_id(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", [FAQ])
    b = _write(tmp_path / "b.jsonl", [{**FAQ, "answer": "新答案"}])
    (record,) = load_sources([a, b]).records
    assert isinstance(record, Faq) and record.answer == "新答案"


def test_the_demo_catalogue_loads_cleanly_and_is_large_enough() -> None:
    result = load_sources([DEMO])
    assert result.bad == []
    counts = Counter(type(r) for r in result.records)
    assert counts[Item] >= 150 and counts[App] >= 40 and counts[Faq] >= 100 and counts[Policy] >= 20


HIGH_FREQUENCY = [
    "居民身份证",
    "户口",
    "护照",
    "驾驶证",
    "机动车",
    "社会保障卡",
    "医疗保险",
    "公积金",
    "婚姻登记",
    "出生",
    "入学",
    "个体工商户",
    "纳税",
    "发票",
    "不动产",
    "退休",
    "残疾人",
    "最低生活保障",
    "救助",
]


@pytest.mark.parametrize("topic", HIGH_FREQUENCY)
def test_the_demo_catalogue_covers_the_high_frequency_list(topic: str) -> None:
    items = [r for r in load_sources([DEMO]).records if isinstance(r, Item)]
    assert any(topic in (r.name + r.catalog_name + " ".join(r.keywords)) for r in items), topic


def test_the_demo_catalogue_has_regional_variants_at_two_levels() -> None:
    items = [r for r in load_sources([DEMO]).records if isinstance(r, Item)]
    assert {"省级", "市级"} <= {r.level for r in items}
    assert len({r.region_code for r in items}) >= 4
    assert {"补领", "换领", "变更"} <= {r.variant for r in items if r.variant}


def test_app_references_point_at_demo_items() -> None:
    records = load_sources([DEMO]).records
    item_ids = {r.id for r in records if isinstance(r, Item)}
    for app in (r for r in records if isinstance(r, App)):
        assert set(app.item_ids) <= item_ids, app.id


@pytest.mark.shared
def test_the_real_guangdong_and_beijing_files_load_with_detection() -> None:
    result = load_sources(
        [shared_file("data", "guangdong_items.jsonl"), shared_file("data", "beijing_gov_faq.jsonl")]
    )
    kinds = Counter(r.kind for r in result.records)
    assert kinds["item"] == 2262 and kinds["faq"] >= 2079
    assert len(result.bad) <= 2  # one Beijing entry has an empty answer


def test_a_real_item_without_a_department_is_indexed_with_a_warning(tmp_path: Path) -> None:
    item = {
        "kind": "item", "id": "hn-1", "name": "居民身份证换领", "item_type": "行政确认",
        "department": "", "region_code": "430000", "region_name": "湖南省", "level": "省级",
        "audiences": ["自然人"],
    }  # fmt: skip
    result = load_file(_write(tmp_path / "items.jsonl", [item, {**item, "id": "hn-2"}]))
    assert [r.id for r in result.records] == ["hn-1", "hn-2"]
    assert result.bad == []
    assert [(w.line, "no department" in w.reason) for w in result.warnings] == [
        (1, True),
        (2, True),
    ]


def test_an_item_without_a_name_is_still_rejected(tmp_path: Path) -> None:
    item = {"kind": "item", "id": "x", "name": "", "item_type": "t", "department": "d",
            "region_code": "1", "region_name": "r", "level": "l", "audiences": []}  # fmt: skip
    result = load_file(_write(tmp_path / "items.jsonl", [item]), max_bad_share=1.0)
    assert result.records == [] and len(result.bad) == 1
