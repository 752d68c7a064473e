from __future__ import annotations

from pathlib import Path

import pytest
from fakes import FailingEncoder, HashEncoder

from zwfw.core import NotFound
from zwfw.core.records import Faq
from zwfw.core.settings import Settings
from zwfw.indexer import build_index, delete, upsert
from zwfw.models import Segmenter
from zwfw.models.encoders import Encoder
from zwfw.search import SearchFilters, SearchService, open_current
from zwfw.search.store import current_build, read_manifest

FAQS = [
    Faq(id="f1", question="医保密码忘了怎么办", answer="带身份证到医保经办窗口重置密码。"),
    Faq(id="f2", question="社保卡丢了怎么挂失", answer="拨打12333或在电子社保卡挂失。"),
    Faq(id="f3", question="护照过期了怎么换发", answer="到出入境窗口申请换发。"),
]


@pytest.fixture(params=["hash", pytest.param("e5", marks=pytest.mark.integration)])
def enc(request: pytest.FixtureRequest) -> Encoder:
    """Each test runs with the fast fake and with the real e5 encoder."""
    if request.param == "hash":
        return HashEncoder()
    return request.getfixturevalue("encoder")  # type: ignore[no-any-return]


def _service(settings: Settings, segmenter: Segmenter, encoder: Encoder) -> SearchService:
    return SearchService(open_current(settings), encoder, segmenter, settings.search)


def _titles(svc: SearchService, q: str) -> list[str]:
    return [h.title for h in svc.search(q, SearchFilters()).hits]


def test_a_build_writes_a_manifest_and_serves_its_records(
    tmp_path: Path, segmenter: Segmenter, enc: Encoder
) -> None:
    settings = Settings(index_dir=tmp_path)
    build = build_index(FAQS, settings, enc, segmenter)
    manifest = read_manifest(build)
    assert manifest["counts"] == {"faq": 3} and manifest["encoder"] == enc.model_id
    assert {"schema_version", "built_at", "dim", "vector_index"} <= set(manifest)
    assert _titles(_service(settings, segmenter, enc), "社保卡挂失")[0] == "社保卡丢了怎么挂失"


def test_a_crash_mid_build_leaves_the_previous_index_serving(
    tmp_path: Path, segmenter: Segmenter, enc: Encoder
) -> None:
    settings = Settings(index_dir=tmp_path)
    first = build_index(FAQS, settings, enc, segmenter)
    many = [Faq(id=f"x{i}", question=f"问题{i}", answer="答") for i in range(600)]
    with pytest.raises(RuntimeError, match="mid-build"):
        build_index(many, settings, FailingEncoder(enc, fail_after=1), segmenter)
    assert current_build(tmp_path) == first
    assert len(list((tmp_path / "builds").iterdir())) == 1  # the broken build was removed
    assert "护照过期了怎么换发" in _titles(_service(settings, segmenter, enc), "护照换发")


def test_a_new_build_switches_atomically_and_old_builds_are_pruned(
    tmp_path: Path, segmenter: Segmenter, enc: Encoder
) -> None:
    settings = Settings(index_dir=tmp_path)
    builds = [build_index(FAQS[: i + 1], settings, enc, segmenter) for i in range(3)]
    builds.append(build_index(FAQS, settings, enc, segmenter))
    assert current_build(tmp_path) == builds[-1]
    assert not builds[0].exists() and builds[-1].exists()


def test_upsert_and_delete_take_effect_without_a_rebuild(
    tmp_path: Path, segmenter: Segmenter, enc: Encoder
) -> None:
    settings = Settings(index_dir=tmp_path)
    build = build_index(FAQS, settings, enc, segmenter)
    svc = _service(settings, segmenter, enc)
    changed = Faq(id="f3", question="港澳通行证续签怎么办", answer="在自助签注机办理。")
    upsert(
        svc.index,
        [changed, Faq(id="f4", question="公积金怎么提取", answer="在APP申请。")],
        enc,
        segmenter,
    )
    assert _titles(svc, "港澳通行证续签")[0] == "港澳通行证续签怎么办"
    assert "护照过期了怎么换发" not in _titles(svc, "护照换发")
    assert svc.index.docs.count() == 4 and svc.index.vectors.size == 4
    delete(svc.index, ["faq:f4"])
    assert "公积金怎么提取" not in _titles(svc, "公积金提取")
    assert read_manifest(build)["counts"] == {"faq": 3}
    with pytest.raises(NotFound, match="faq:nope"):
        delete(svc.index, ["faq:nope"])


def test_updates_survive_reopening_the_index(
    tmp_path: Path, segmenter: Segmenter, enc: Encoder
) -> None:
    settings = Settings(index_dir=tmp_path)
    build_index(FAQS, settings, enc, segmenter)
    index = open_current(settings)
    upsert(
        index,
        [Faq(id="f9", question="结婚登记要带什么", answer="户口簿和身份证。")],
        enc,
        segmenter,
    )
    index.close()
    assert _titles(_service(settings, segmenter, enc), "结婚登记")[0] == "结婚登记要带什么"
