"""Hybrid search over the demo catalogue with the real tantivy index and e5 encoder."""

from __future__ import annotations

import pytest

from zwfw.core import DocKind, InvalidQuery
from zwfw.runtime import Runtime
from zwfw.search import SearchFilters

pytestmark = pytest.mark.integration


def _search(rt: Runtime, q: str, **filters: object) -> list:  # type: ignore[type-arg]
    return rt.search.search(q, SearchFilters(**filters), size=10).hits  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("护照丢了怎么补", "护照", id="colloquial-passport"),
        pytest.param("社会保障卡申领", "社会保障卡", id="official-social-security-card"),
        pytest.param("结婚登记", "结婚", id="marriage"),
        pytest.param("駕駛證補領", "驾驶证", id="traditional-driving-licence"),
        pytest.param("公积金提取", "公积金", id="housing-fund"),
    ],
)
def test_a_citizen_query_puts_the_matching_item_first(
    demo_runtime: Runtime, query: str, expected: str
) -> None:
    hits = _search(demo_runtime, query, kinds=(DocKind.ITEM,))
    assert expected in hits[0].title


def test_unified_search_mixes_items_apps_faq_and_policies(demo_runtime: Runtime) -> None:
    page = demo_runtime.search.search("社保卡", SearchFilters(), size=50)
    assert {"item", "faq", "app"} <= {h.type for h in page.hits}
    assert set(page.facets["type"]) <= {"item", "app", "faq", "policy"}
    assert sum(page.facets["type"].values()) == page.total


def test_a_type_filter_returns_only_that_type(demo_runtime: Runtime) -> None:
    hits = _search(demo_runtime, "育儿补贴", kinds=(DocKind.POLICY,))
    assert hits and all(h.type == "policy" for h in hits)


def test_a_region_filter_keeps_items_inside_the_region(demo_runtime: Runtime) -> None:
    hits = _search(demo_runtime, "居民身份证", kinds=(DocKind.ITEM,), region="440300")
    assert hits and all(h.region == "深圳市" for h in hits)
    province = _search(demo_runtime, "居民身份证", kinds=(DocKind.ITEM,), region="440000")
    assert {h.region for h in province} <= {"广东省", "广州市", "深圳市"}


def test_department_audience_and_online_filters_apply_to_every_hit(demo_runtime: Runtime) -> None:
    first = _search(demo_runtime, "护照", kinds=(DocKind.ITEM,))[0]
    same_dept = _search(demo_runtime, "证件", department=first.department)
    assert same_dept and all(h.department == first.department for h in same_dept)
    for hit in _search(demo_runtime, "营业执照", audience="企业法人", online=True):
        record = demo_runtime.index.docs.get([f"{hit.type}:{hit.id}"])[f"{hit.type}:{hit.id}"]
        assert "企业法人" in record.audiences and record.online_available  # type: ignore[union-attr]


def test_hits_carry_highlights_snippets_and_timing(demo_runtime: Runtime) -> None:
    page = demo_runtime.search.search("护照补发", SearchFilters(), size=3)
    assert page.took_ms > 0
    top = page.hits[0]
    assert "<em>" in top.highlight["title"] and top.snippet
    assert top.highlight["title"].replace("<em>", "").replace("</em>", "") == top.title


def test_pages_do_not_overlap(demo_runtime: Runtime) -> None:
    one = demo_runtime.search.search("社保", SearchFilters(), page=1, size=5).hits
    two = demo_runtime.search.search("社保", SearchFilters(), page=2, size=5).hits
    assert len(one) == len(two) == 5
    assert not {(h.type, h.id) for h in one} & {(h.type, h.id) for h in two}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("   ", "empty", id="blank"),
        pytest.param("护" * 201, "longer than 200", id="long"),
    ],
)
def test_a_bad_query_is_a_clear_error(demo_runtime: Runtime, query: str, message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        demo_runtime.search.search(query, SearchFilters())


def test_a_faq_only_search_still_finds_faq_entries_among_many_items(demo_runtime: Runtime) -> None:
    hits = _search(demo_runtime, "医保密码忘了", kinds=(DocKind.FAQ,))
    assert hits and all(h.type == "faq" for h in hits)
    assert "密码" in hits[0].title
