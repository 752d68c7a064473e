"""Narrowing on real Guangdong catalogue items: the 残疾人证 and 驾驶证 variants.

The 37 驾驶证 items share department, audience (自然人) and theme; only their names tell them
apart, so this exercises the keyword questions as well as the catalogue's own attributes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from navsim import answer_for, navigate_to
from testdata import SHARED, shared_file

from zwfw.core.settings import Settings
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.nav import NavService, create_nav_service
from zwfw.runtime import load_runtime
from zwfw.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.shared, pytest.mark.slow]
WANTED = ("残疾人证", "驾驶证", "行驶证", "残疾人")


def _subset() -> list[dict[str, object]]:
    lines = shared_file("data", "guangdong_items.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [r for r in rows if any(w in str(r["name"]) for w in WANTED)]


ROWS = _subset() if (SHARED / "data" / "guangdong_items.jsonl").exists() else []
NAMES = {str(r["item_code"]): str(r["name"]) for r in ROWS}


@pytest.fixture(scope="module")
def nav(
    tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter, encoder: CachedEncoder
) -> Iterator[NavService]:
    rows = _subset()
    root = tmp_path_factory.mktemp("gd-nav")
    source = root / "items.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    settings = Settings(index_dir=root / "index", state_db=root / "state.sqlite")
    build_index(load_sources([source]).records, settings, encoder, segmenter)
    runtime = load_runtime(settings, (segmenter, encoder))
    service = create_nav_service(open_storage(settings), runtime.search)
    yield service
    service.close()
    runtime.close()


DISABILITY = sorted(k for k, n in NAMES.items() if "残疾人证" in n)
DRIVING = [k for k, n in NAMES.items() if n.startswith("机动车驾驶证")]


@pytest.mark.parametrize("target", DISABILITY, ids=lambda k: NAMES[k])
def test_every_disability_card_variant_is_reached_within_three_questions(
    nav: NavService, target: str
) -> None:
    step = navigate_to(nav, "残疾人证", target, limit=3)
    assert step.result is not None and step.result.items[0].id == target


def test_the_disability_card_need_asks_which_case_first(nav: NavService) -> None:
    step = nav.step(need="残疾人证")
    assert step.attribute == "variant"
    labels = [o.label for o in step.options]
    assert {"首次", "注销", "换领", "迁移"} <= set(labels) and labels[-1] == "其他"


@pytest.mark.parametrize(
    "name",
    [
        "机动车驾驶证初次申领(外国人申领小型汽车准驾车型)",
        "机动车驾驶证初次申领(大陆居民申领摩托车准驾车型)",
        "机动车驾驶证持军警驾驶证申领(退役军人持军队（小型汽车）驾驶证申请机动车驾驶证)",
        "机动车驾驶证增加准驾车型",
    ],
)
def test_a_driving_licence_variant_is_reached_by_answering_truthfully(
    nav: NavService, name: str
) -> None:
    target = next(k for k, n in NAMES.items() if n == name)
    step = navigate_to(nav, "驾驶证", target, limit=6)
    assert step.result is not None and step.result.items[0].name == name


def test_saying_who_you_are_in_the_need_shortens_the_driving_licence_path(nav: NavService) -> None:
    target = next(
        k for k, n in NAMES.items() if n == "机动车驾驶证初次申领(外国人申领小型汽车准驾车型)"
    )
    plain = navigate_to(nav, "驾驶证", target).questions_asked
    told = navigate_to(nav, "外国人 初次申领驾驶证 小型汽车", target).questions_asked
    assert told < plain


def test_elder_mode_offers_three_short_options_for_the_driving_licences(nav: NavService) -> None:
    target = DRIVING[0]
    step = nav.step(need="驾驶证", mode="elder")
    while step.result is None:
        assert 2 <= len(step.options) <= 3
        assert all(len(o.label) <= 6 for o in step.options)
        step = nav.step(
            step.session_id, answer=answer_for(nav, step, f"item:{target}"), mode="elder"
        )
    assert step.result.items[0].id == target
