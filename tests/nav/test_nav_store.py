"""Administrator edits: validated, versioned with author and before/after, live at once."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from zwfw.core.errors import InvalidRecord, NotFound
from zwfw.nav import NavService, NavStore, create_nav_service, shipped_bundles
from zwfw.nav.bundles import to_dict
from zwfw.runtime import Runtime
from zwfw.storage import Storage
from zwfw.storage.kv import KeyValue

pytestmark = pytest.mark.integration
GZ_MARRIAGE = "11440100MB2C63962G3440708601001"


@pytest.fixture
def nav(storage: Storage, demo_runtime: Runtime) -> Iterator[NavService]:
    service = create_nav_service(storage, demo_runtime.search)
    yield service
    service.close()


def _bundle(**changes: Any) -> dict[str, Any]:
    body = {
        "id": "pet",
        "name": "养犬一件事",
        "triggers": ["养狗"],
        "steps": [{"title": "结婚登记", "items": {"440100": [GZ_MARRIAGE]}}],
    }
    return body | changes


def test_shipped_bundles_are_seeded_once_and_a_deletion_sticks(storage: Storage) -> None:
    with NavStore(storage, seed=shipped_bundles()) as store:
        assert len(store.bundles()) == len(shipped_bundles())
        store.delete("bundle", "birth", author="admin-x")
    with NavStore(storage, seed=shipped_bundles()) as store:
        assert "birth" not in {b.id for b in store.bundles()}


def test_an_unknown_item_id_is_rejected_naming_the_id_and_the_step(nav: NavService) -> None:
    bad = _bundle(steps=[{"title": "办证", "items": {"440100": ["NO-SUCH-ITEM"]}}])
    with pytest.raises(
        InvalidRecord, match=r"unknown id: 'NO-SUCH-ITEM' in step 1 \(办证, 440100\)"
    ):
        nav.admin.save_bundle(bad, author="admin-1")
    assert "pet" not in {b.id for b in nav.admin.bundles()}


def test_an_unknown_app_or_bundle_reference_is_rejected(nav: NavService) -> None:
    with pytest.raises(InvalidRecord, match="'app-nowhere' in apps"):
        nav.admin.save_bundle(_bundle(apps={"440100": ["app-nowhere"]}), author="a")
    with pytest.raises(InvalidRecord, match="unknown bundle id 'nope'"):
        nav.admin.save_hint({"id": "h", "phrases": ["养狗"], "bundle_id": "nope"}, author="a")


def test_an_update_is_versioned_with_author_before_and_after(nav: NavService) -> None:
    nav.admin.save_bundle(_bundle(), author="admin-1")
    nav.admin.save_bundle(_bundle(name="养犬登记一件事"), author="admin-2", bundle_id="pet")
    history = nav.admin.history("bundle", "pet")
    assert [(c.action, c.author) for c in history] == [("create", "admin-1"), ("update", "admin-2")]
    assert history[1].before is not None and history[1].before["name"] == "养犬一件事"
    assert history[1].after is not None and history[1].after["name"] == "养犬登记一件事"
    assert history[1].version == history[0].version + 1


def test_ids_never_change_and_duplicates_are_refused(nav: NavService) -> None:
    nav.admin.save_bundle(_bundle(), author="a")
    with pytest.raises(InvalidRecord, match="already exists"):
        nav.admin.save_bundle(_bundle(), author="a")
    with pytest.raises(InvalidRecord, match="ids never change"):
        nav.admin.save_bundle(_bundle(id="cat"), author="a", bundle_id="pet")
    with pytest.raises(NotFound):
        nav.admin.save_bundle(_bundle(id="cat"), author="a", bundle_id="cat")


def test_a_bundle_used_by_a_hint_cannot_be_deleted(nav: NavService) -> None:
    nav.admin.save_hint({"id": "shop", "phrases": ["摆摊"], "bundle_id": "business"}, "a")
    with pytest.raises(InvalidRecord, match="used by hints shop"):
        nav.admin.delete_bundle("business", "a")


def test_an_edit_is_live_on_the_next_step(nav: NavService) -> None:
    before = nav.step(need="我想养狗")
    assert before.result is None or before.result.bundle is None
    nav.admin.save_bundle(_bundle(), author="admin-1")
    started = time.perf_counter()
    step = nav.step(need="我想养狗")
    assert time.perf_counter() - started < 1.0
    assert step.result is not None and step.result.bundle is not None
    assert step.result.bundle.bundle.name == "养犬一件事"  # only 广州 has items: no question


def test_sessions_expire(storage: Storage, kv: KeyValue) -> None:
    with NavStore(storage, sessions=kv) as store:
        store.save_session("s1", {"x": 1}, ttl_seconds=-1)
        store.save_session("s2", {"x": 2}, ttl_seconds=60)
        assert store.load_session("s1") is None
        assert store.load_session("s2") == {"x": 2}


def test_the_shipped_file_round_trips_through_the_admin_schema() -> None:
    for bundle in shipped_bundles():
        assert json.loads(json.dumps(to_dict(bundle), ensure_ascii=False))["id"] == bundle.id


def test_a_bundle_with_a_region_key_that_is_no_division_code_is_rejected() -> None:
    import dataclasses

    from zwfw.core import InvalidRecord
    from zwfw.nav.bundles import check_references, shipped_bundles

    bundle = shipped_bundles()[0]
    step = dataclasses.replace(bundle.steps[0], items={"abc": ()})
    broken = dataclasses.replace(bundle, steps=(step, *bundle.steps[1:]))
    with pytest.raises(InvalidRecord, match="6-digit division codes, got abc"):
        check_references(broken, None)  # type: ignore[arg-type]
