"""A filter that removes every real match does not pass the noise left over as matches."""

from __future__ import annotations

import pytest

from zwfw.runtime import Runtime
from zwfw.search import SearchFilters

pytestmark = pytest.mark.integration


def test_a_filter_leaving_only_noise_is_labelled_as_a_fallback(demo_runtime: Runtime) -> None:
    # The demo catalogue has no ride-hailing service; in Guangzhou only entries sharing 预约
    # with the synonym 网络预约出租汽车 remain (结婚登记怎么预约, 银行开户预约).
    page = demo_runtime.search.search("网约车", SearchFilters(region="440100"))
    assert page.fallback != "none"
    assert not any("网约车" in h.title or "网络预约出租" in h.title for h in page.hits)


@pytest.mark.parametrize(
    ("query", "region"),
    [
        pytest.param("公积金", "440000", id="keyword-held-by-titles"),
        pytest.param("护照", "440100", id="service-in-region"),
        pytest.param("结婚登记", "330100", id="faq-and-items"),
    ],
)
def test_filtered_real_matches_are_plain_results(
    demo_runtime: Runtime, query: str, region: str
) -> None:
    page = demo_runtime.search.search(query, SearchFilters(region=region))
    assert page.fallback == "none" and page.hits


@pytest.mark.parametrize(
    ("query", "region"),
    [
        # Relaxed (one shared character) and the encoder put the same noise first in a
        # city's small pool: 机动车注册登记 for 网约车, 特困人员救助供养申请 for 养狗.
        pytest.param("网约车", "440100", id="relaxed-agreement-by-chance"),
        pytest.param("养狗", "440100", id="relaxed-one-character"),
    ],
)
def test_relaxed_or_vector_only_noise_ends_in_suggestions(
    demo_runtime: Runtime, query: str, region: str
) -> None:
    page = demo_runtime.search.search(query, SearchFilters(region=region))
    assert page.fallback == "suggestions" and not page.hits and page.hotline
