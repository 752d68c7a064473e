"""Narrowing on real Guangdong catalogue items: 残疾人证, 驾驶证, 律师 and 护照 variants.

The 37 驾驶证 items share department, audience (自然人) and theme; their catalogue entry, their
service and the case in brackets tell them apart. Every option must be such a facet value,
written whole in the items it keeps, never a fragment of a name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from navsim import navigate_to
from testdata import SHARED, shared_file

from zwfw.core.settings import Settings
from zwfw.indexer import build_index, load_sources
from zwfw.models import Segmenter
from zwfw.models.encoders import CachedEncoder
from zwfw.nav import NavService, create_nav_service
from zwfw.nav.attributes import facets, variant_words
from zwfw.nav.narrow import OTHER, WAY_OUT
from zwfw.nav.session import Session
from zwfw.runtime import load_runtime
from zwfw.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.shared, pytest.mark.slow]
WANTED = ("残疾人证", "驾驶证", "行驶证", "残疾人", "律师", "护照")


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
NEEDS = ("残疾人证", "驾驶证", "行驶证", "律师执业", "护照", "残疾人", "驾驶证丢了", "外国人驾驶证")


@pytest.mark.parametrize("target", DISABILITY, ids=lambda k: NAMES[k])
def test_every_disability_card_variant_is_reached_within_three_questions(
    nav: NavService, target: str
) -> None:
    step = navigate_to(nav, "残疾人证", target, limit=3)
    assert step.result is not None and target in [i.id for i in step.result.items]


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
    step = navigate_to(nav, "驾驶证", target, limit=4)
    assert step.result is not None and name in [i.name for i in step.result.items]


@pytest.mark.parametrize("mode", ["standard", "elder"])
@pytest.mark.parametrize("need", NEEDS)
def test_options_are_facet_values_that_partition_with_a_way_out_and_never_repeat(
    nav: NavService, need: str, mode: str
) -> None:
    """Walk every branch's first option (and 不知道) and check each question on the way."""
    for answer in ("第一个", "第二个", "不知道", "都不是"):
        step, asked = nav.step(need=need, mode=mode), []
        while step.result is None:
            session = Session.from_json(nav.store.load_session(step.session_id) or {})
            assert session.pending is not None
            question = (step.question, [o.label for o in step.options])
            assert question not in asked  # the loop guard: never the same question again
            asked.append(question)
            _check_question(nav, session, mode)
            step = nav.step(step.session_id, answer=answer, mode=mode)
        assert len(step.result.items) <= (3 if mode == "elder" else 5)


def _check_question(nav: NavService, session: Session, mode: str) -> None:
    pending = session.pending
    assert pending is not None
    docs = nav.search.index.docs.get(list(session.weights))
    labels = [o.label for o in pending.options]
    assert labels[-1] in (OTHER, WAY_OUT)  # always a way out
    assert len(labels) <= (3 if mode == "elder" else 6)
    for option in pending.options[:-1]:
        assert 0 < len(option.keys) < len(session.weights), option.label  # it partitions
        kept = [docs[k] for k in option.keys]
        values = {
            v
            for item in kept
            for vs in facets(item).values()  # type: ignore[arg-type]
            for v in vs
        } | {
            w
            for item in kept
            for ws in variant_words(item).values()  # type: ignore[arg-type]
            for w in ws
        }
        # a whole facet value (or its spoken short form in elder mode), never a name fragment
        assert option.label in values or (
            mode == "elder" and any(option.label in v for v in values if v)
        ), option.label
