"""Facets come from the catalogue's fields and the structure of names, never from their words;
and a cold catalogue (names, types and departments only) navigates with them (fake encoder)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import HashEncoder

from zwfw.core.records import DocKind, Item
from zwfw.core.settings import Settings
from zwfw.indexer import build_index
from zwfw.models import Segmenter
from zwfw.nav import NavService, create_nav_service
from zwfw.nav.attributes import Attr, audiences, facets, region_path, service_and_case
from zwfw.nav.narrow import WAY_OUT
from zwfw.nav.session import Session
from zwfw.runtime import load_runtime
from zwfw.search import SearchFilters
from zwfw.storage import open_storage


def _item(item_id: str, name: str, department: str = "湖南省公安厅", **more: object) -> Item:
    fields: dict[str, object] = {
        "region_code": "430000",
        "region_name": "湖南省",
        "level": "省级",
        "audiences": ("自然人",),
        **more,
    }
    return Item(id=item_id, name=name, item_type="行政许可", department=department, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "service", "case"),
    [
        pytest.param(
            "专职律师执业许可(申请专职执业)", "专职律师执业许可", "申请专职执业", id="case"
        ),
        pytest.param(
            "《中华人民共和国残疾人证》挂失补办",
            "《中华人民共和国残疾人证》挂失补办",
            None,
            id="none",
        ),
        pytest.param(
            "法律援助律师执业许可(（占编人员）)", "法律援助律师执业许可", "占编人员", id="double"
        ),
        pytest.param(
            "无线电台（站）的设置使用和呼号指配审批（遗失补办）(公众移动通信基站（遗失补办）)",
            "无线电台（站）的设置使用和呼号指配审批（遗失补办）",
            "公众移动通信基站（遗失补办）",
            id="nested",
        ),
        pytest.param("（补领）", "（补领）", None, id="only-brackets"),
    ],
)
def test_a_name_splits_into_its_service_and_its_case(name: str, service: str, case: str) -> None:
    assert service_and_case(name) == (service, case)


def test_audiences_are_the_catalogue_s_words_with_name_markers_first() -> None:
    assert audiences(_item("a", "机动车驾驶证初次申领(外国人申领小型汽车准驾车型)")) == {"外国人"}
    assert audiences(_item("b", "户口登记", audiences=("自然人", "企业法人"))) == {
        "自然人",
        "企业法人",
    }


def test_a_city_item_s_region_names_its_province() -> None:
    city = _item("c", "x", region_code="440100", region_name="广州市")
    assert region_path(city) == "广东省广州市"
    assert region_path(_item("p", "x")) == "湖南省"


def test_every_facet_value_is_a_field_or_a_whole_part_of_the_name() -> None:
    item = _item("d", "《爆破作业人员许可证》变更工作单位申请换发", themes=("其他",))
    got = facets(item)
    assert got[Attr.VARIANT] == {"换领", "变更"}  # every variant the name names
    assert got[Attr.THEME] == frozenset()  # 其他 says nothing
    assert got[Attr.CATALOG] == frozenset()  # a cold catalogue has no catalog_name
    assert got[Attr.SERVICE] == {item.name}
    assert got[Attr.CASE] == frozenset()
    assert got[Attr.DEPARTMENT] == {"湖南省公安厅"}


COLD = [
    _item("hn-1", "居民身份证首次申领"),
    _item("hn-2", "居民身份证换领"),
    _item("hn-3", "居民身份证补领"),
    _item(
        "hn-4",
        "居民身份证异地受理挂失申报",
        department="长沙市公安局",
        region_code="430100",
        region_name="长沙市",
    ),
    _item("hn-5", "残疾人证新办", department="湖南省残疾人联合会"),
    _item("hn-6", "残疾人证换领", department="湖南省残疾人联合会"),
]


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory, segmenter: Segmenter) -> Iterator[NavService]:
    root = tmp_path_factory.mktemp("cold")
    settings = Settings(index_dir=root / "index", state_db=root / "state.sqlite")
    build_index(COLD, settings, HashEncoder(), segmenter)
    runtime = load_runtime(settings, (segmenter, HashEncoder()))
    service = create_nav_service(open_storage(settings), runtime.search)  # the runtime's
    yield service
    service.close()
    runtime.close()


def _pending(nav: NavService, session_id: str) -> Session:
    return Session.from_json(nav.store.load_session(session_id) or {})


def test_a_cold_catalogue_asks_about_facets_and_every_option_leads_somewhere(
    cold: NavService,
) -> None:
    step = cold.step(need="身份证")
    assert step.question is not None and step.attribute in {a.value for a in Attr}
    session = _pending(cold, step.session_id)
    assert session.pending is not None
    for option in session.pending.options:
        assert option.keys, option.label  # each answer leads somewhere
        if option.label not in ("其他", WAY_OUT):
            kept = {k.split(":", 1)[1] for k in option.keys}
            assert len(kept) < len(session.weights)  # and narrows
            # a label is written whole in every item it keeps
            assert all(option.label in n for i in COLD if i.id in kept for n in [_text(i)])
    assert session.pending.options[-1].label in ("其他", WAY_OUT)


def _text(item: Item) -> str:
    return " ".join((item.name, item.department, region_path(item), *item.audiences))


def test_answers_never_bring_back_a_question_and_the_session_always_ends(cold: NavService) -> None:
    for mode in ("standard", "elder"):
        step, asked = cold.step(need="证件", mode=mode), []
        while step.result is None:
            assert len(step.options) <= (3 if mode == "elder" else 6)
            assert step.attribute not in asked  # the loop guard
            asked.append(step.attribute)
            step = cold.step(step.session_id, answer="不知道", mode=mode)
        assert step.result.items and len(step.result.items) <= (3 if mode == "elder" else 5)


def test_none_of_these_to_the_candidates_themselves_says_so_and_lists_the_nearest(
    cold: NavService,
) -> None:
    step = cold.step(need="身份证")
    assert step.attribute == "service" and step.options[-1].label == WAY_OUT
    step = cold.step(step.session_id, answer="都不是")
    assert step.result is not None and step.question is None
    assert step.result.items and step.message and "12345" in step.message


def test_a_truthful_answer_reaches_the_item(cold: NavService) -> None:
    step = cold.step(need="身份证")
    step = cold.step(step.session_id, answer="居民身份证补领")
    assert step.result is not None and [i.id for i in step.result.items] == ["hn-3"]


def test_navigation_starts_from_what_search_ranks_first(cold: NavService) -> None:
    """The candidates are /v1/search's items in its order, so navigation is never worse."""
    page = cold.search.search("身份证", SearchFilters(kinds=(DocKind.ITEM,)), 1, 5)
    step = cold.step(need="身份证")
    assert [c.id for c in step.candidates] == [h.id for h in page.hits][: len(step.candidates)]
