"""The thinned catalogue keeps what a cold catalogue has and nothing more."""

from __future__ import annotations

import json
from pathlib import Path

from zwfw.core.records import DocKind
from zwfw.evaluation.thin import main
from zwfw.indexer.sources import load_file

GUANGDONG = {
    "item_code": "114400001", "name": "执业药师首次注册", "catalog_name": "执业药师注册",
    "item_type": "行政许可", "department": "广东省药品监督管理局", "area": "广东省",
    "level": "省级", "service_objects": ["自然人"], "themes": ["医疗卫生"],
    "conditions": "取得《执业药师资格证书》后可申请注册",
    "materials": ["《执业药师首次注册申请表》"],
}  # fmt: skip


def test_a_thinned_item_keeps_its_name_and_department_and_drops_the_guide(tmp_path: Path) -> None:
    source, out = tmp_path / "gd.jsonl", tmp_path / "thin.jsonl"
    source.write_text(json.dumps(GUANGDONG, ensure_ascii=False) + "\n", encoding="utf-8")
    main([str(source), str(out)])
    (item,) = load_file(out).records
    assert item.kind == DocKind.ITEM
    assert (item.id, item.title) == ("114400001", "执业药师首次注册")
    assert item.department == "广东省药品监督管理局"
    assert (item.conditions, item.materials, item.themes, item.catalog_name) == ("", (), (), "")
