"""Shipped bundles: all eight life events, every reference real, one merged checklist each."""

from __future__ import annotations

import pytest

from zwfw.core.records import App, doc_key
from zwfw.nav import checklist, shipped_bundles
from zwfw.nav.bundles import check_references, match_bundle
from zwfw.nav.materials import material_key, merge_materials
from zwfw.runtime import Runtime

pytestmark = pytest.mark.integration
BUNDLES = {b.id: b for b in shipped_bundles()}
REQUIRED = {"出生一件事", "入学一件事", "开办企业一件事", "结婚一件事", "退休一件事",
            "身后一件事", "就业一件事", "购房/不动产一件事"}  # fmt: skip


def test_the_eight_required_life_events_ship() -> None:
    assert {b.name for b in BUNDLES.values()} >= REQUIRED


@pytest.mark.parametrize("bundle_id", sorted(BUNDLES))
def test_every_shipped_reference_exists_in_the_demo_catalogue(
    demo_runtime: Runtime, bundle_id: str
) -> None:
    check_references(BUNDLES[bundle_id], demo_runtime.index.docs)  # raises on an unknown id


@pytest.mark.parametrize("bundle_id", sorted(BUNDLES))
@pytest.mark.parametrize("region", ["440100", "440300"])
def test_a_checklist_lists_every_step_in_order_with_materials_once(
    demo_runtime: Runtime, bundle_id: str, region: str
) -> None:
    bundle = BUNDLES[bundle_id]
    listing = checklist(bundle, region, demo_runtime.index.docs)
    assert [s.title for s in listing.steps] == [s.title for s in bundle.steps]
    assert [s.order for s in listing.steps] == list(range(1, len(bundle.steps) + 1))
    keys = [material_key(m) for m in listing.materials]
    assert len(keys) == len(set(keys)), listing.materials
    assert list(listing.materials[: len(bundle.shared_materials)]) == list(bundle.shared_materials)
    assert all(isinstance(a, App) for a in listing.apps) and listing.apps
    for step, resolved in zip(bundle.steps, listing.steps, strict=True):
        ids = step.items.get(region, ())
        assert [i.id for i in resolved.items] == list(ids)
        assert all(i.region_code in (region, region[:2] + "0000") for i in resolved.items)


def test_the_birth_checklist_in_guangzhou_covers_the_issue_s_steps(demo_runtime: Runtime) -> None:
    listing = checklist(BUNDLES["birth"], "440100", demo_runtime.index.docs)
    names = " ".join(i.name for s in listing.steps for i in s.items)
    for part in ("出生", "医保", "社会保障卡"):
        assert part in names
    # Five steps ask for the parents' ID cards in five wordings: listed once.
    assert [m for m in listing.materials if material_key(m) == "身份证"] == ["父母双方居民身份证"]
    assert "父母身份证和户口簿" not in listing.materials  # both documents already listed
    assert {a.name for a in listing.apps} == {"穗好办", "粤省事"}


def test_a_district_gets_its_city_s_items(demo_runtime: Runtime) -> None:
    tianhe = checklist(BUNDLES["marriage"], "440106", demo_runtime.index.docs)
    assert tianhe.steps[0].items[0].region_name == "广州市"


def test_an_item_step_not_offered_in_a_city_is_still_listed(demo_runtime: Runtime) -> None:
    listing = checklist(BUNDLES["retirement"], "440300", demo_runtime.index.docs)
    by_title = {s.title: s for s in listing.steps}
    assert by_title["离休、退休提取住房公积金"].items == ()
    assert demo_runtime.index.docs.get([doc_key("app", "app-sz-szsb")])


@pytest.mark.parametrize(
    ("need", "bundle"),
    [("孩子出生了要办什么", "birth"), ("我要开个小店", "business"), ("我想办退休", "retirement"),
     ("家里老人去世了", "bereavement"), ("准备买房", "housing"), ("孩子要上小学了", "school")],
)  # fmt: skip
def test_a_life_event_need_finds_its_bundle(need: str, bundle: str) -> None:
    found = match_bundle(need, list(BUNDLES.values()))
    assert found is not None and found.id == bundle


def test_merging_keeps_the_first_wording_of_each_document() -> None:
    merged = merge_materials(
        [["居民身份证", "居民户口簿"], ["申请人居民身份证（原件）", "户口本", "出生医学证明"],
         ["身份证复印件", "《出生医学证明》原件", "结婚证"]]
    )  # fmt: skip
    assert merged == ["居民身份证", "居民户口簿", "出生医学证明", "结婚证"]
