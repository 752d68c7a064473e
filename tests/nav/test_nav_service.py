"""Guided navigation end to end over the demo catalogue: needs, answers, bundles, elder mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from navsim import navigate_to

from zwfw.core.errors import InvalidQuery, NotFound
from zwfw.nav import NavService, create_nav_service
from zwfw.runtime import Runtime
from zwfw.storage import Storage

pytestmark = pytest.mark.integration
GZ_ID_CARD_LOST = "11440100007483172Q3442106601003"  # 居民身份证补领（丢失补领）, 广州
SZ_PASSPORT_LOST = "11440300MB2D9265XY3440106611002"  # 普通护照签发（遗失补发）, 深圳


@pytest.fixture
def nav(sqlite_storage: Storage, demo_runtime: Runtime) -> Iterator[NavService]:
    service = create_nav_service(sqlite_storage, demo_runtime.search)
    yield service
    service.close()


def test_a_vague_need_gets_a_question_with_counts_and_candidates(nav: NavService) -> None:
    step = nav.step(need="身份证")
    assert step.question and step.result is None
    assert len(step.options) >= 2 and all(o.count >= 1 for o in step.options)
    assert any("身份证" in c.name for c in step.candidates)


@pytest.mark.parametrize(
    ("need", "target"),
    [("身份证", GZ_ID_CARD_LOST), ("护照丢了", SZ_PASSPORT_LOST), ("办护照", SZ_PASSPORT_LOST)],
)
def test_truthful_answers_reach_the_item_with_its_materials(
    nav: NavService, need: str, target: str
) -> None:
    # Reached, as nav_eval counts it: the item is in the result (a short list of close rivals
    # when search is not clearly confident, never more than 5).
    step = navigate_to(nav, need, target, limit=4)  # navigation asks at most 4
    assert step.result is not None and target in [i.id for i in step.result.items]
    assert len(step.result.items) <= 5 and step.result.materials


def test_the_result_names_the_apps_that_handle_the_item(nav: NavService) -> None:
    step = navigate_to(nav, "驾驶证丢了", "11440100007483172Q3440106621001")
    assert step.result is not None
    assert {"交管12123", "广州交警"} <= {a.name for a in step.result.apps}


def test_a_life_event_asks_the_city_then_returns_the_bundle_checklist(nav: NavService) -> None:
    step = nav.step(need="孩子出生了要办什么")
    assert step.attribute == "region"
    assert {o.label for o in step.options} == {"广州市", "深圳市", "杭州市"}
    done = nav.step(step.session_id, answer="广州")
    assert done.result is not None and done.result.bundle is not None
    assert done.result.bundle.bundle.name == "出生一件事"
    assert len(done.result.bundle.steps) == 5 and done.result.materials


def test_a_city_named_in_the_need_skips_the_question(nav: NavService) -> None:
    step = nav.step(need="我在深圳，想办退休")
    assert step.result is not None and step.result.bundle is not None
    assert step.result.bundle.region_code == "440300"


def test_a_region_named_in_the_need_answers_the_region_question(nav: NavService) -> None:
    # Without it, 您要在哪个地区办理？ was asked with 广东省广州市 first.
    step = nav.step(need="我在广州要办失业保险金")
    assert step.attribute != "region"
    assert step.candidates[0].name == "失业保险金申领" and step.candidates[0].region == "广州市"


def test_a_region_none_of_the_options_covers_is_asked_about(nav: NavService) -> None:
    step = nav.step(need="我要在长沙办失业金")
    assert step.attribute == "region" and step.question


def test_a_variant_of_one_item_is_not_mistaken_for_the_life_event(nav: NavService) -> None:
    step = nav.step(need="补领结婚证")
    assert step.result is None or step.result.bundle is None


@pytest.mark.parametrize("spoken", ["第一个", "广州", "广州市吧"])
def test_elder_mode_takes_spoken_answers(nav: NavService, spoken: str) -> None:
    step = nav.step(need="我要开个小店", mode="elder")
    assert len(step.options) <= 3 and all(len(o.label) <= 6 for o in step.options)
    labels = [o.label for o in step.options]
    done = nav.step(step.session_id, answer=spoken, mode="elder")
    assert done.result is not None and done.result.bundle is not None
    expected = labels[0] if spoken == "第一个" else "广州"
    assert done.result.bundle.region_name.startswith(expected)


def test_elder_mode_keeps_every_step_short(nav: NavService) -> None:
    step = nav.step(need="身份证", mode="elder")
    while step.result is None:
        assert 2 <= len(step.options) <= 3
        assert all(len(o.label) <= 6 for o in step.options)
        step = nav.step(step.session_id, answer="第一个", mode="elder")
    assert step.result.items


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [("企业", "用人单位社会保险登记"), ("我自己", "灵活就业人员参加企业职工基本养老保险登记")],
)
def test_an_audience_question_is_answered_by_saying_who_you_are(
    nav: NavService, spoken: str, expected: str
) -> None:
    employer, self_employed = "11440100696927671X3442111602002", "11440100696927671X3442111602001"
    nav.admin.save_hint(
        {"id": "ss", "phrases": ["交社保"], "item_ids": [employer, self_employed]}, "a"
    )
    step = nav.step(need="交社保", mode="elder")
    # the catalogue's own words are offered; everyday words still answer them
    assert step.attribute == "audience" and "自然人" in {o.label for o in step.options}
    done = nav.step(step.session_id, answer=spoken, mode="elder")
    assert done.result is not None and done.result.items[0].name == expected


def test_an_answer_not_understood_repeats_the_question(nav: NavService) -> None:
    step = nav.step(need="身份证")
    again = nav.step(step.session_id, answer="今天天气不错")
    assert again.question == step.question and again.options == step.options
    assert again.message and "没有听懂" in again.message
    assert again.questions_asked == step.questions_asked


def test_an_unknown_session_or_missing_need_is_a_clear_error(nav: NavService) -> None:
    with pytest.raises(NotFound, match="expired"):
        nav.step("nope", answer="第一个")
    with pytest.raises(InvalidQuery, match="start with a need"):
        nav.step(None, answer="第一个")
    with pytest.raises(InvalidQuery, match="valid modes"):
        nav.step(need="身份证", mode="large")


def test_a_hint_sends_a_phrase_to_its_bundle(nav: NavService) -> None:
    nav.admin.save_hint({"id": "stall", "phrases": ["摆摊"], "bundle_id": "business"}, "admin")
    step = nav.step(need="想去夜市摆摊")
    assert step.attribute == "region"
    done = nav.step(step.session_id, answer="深圳")
    assert done.result is not None and done.result.bundle is not None
    assert done.result.bundle.bundle.id == "business"
