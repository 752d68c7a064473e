"""A "did you mean" is offered only when the catalogue supports it, as an applied correction
must be: unsupported ones garbled names and colloquial sentences on the real catalogue
(幸运星网吧 → 幸运行网吧, 我想问一下户口怎么迁 → 我想问一销户口怎么迁)."""

from __future__ import annotations

import pytest

from zwfw.runtime import Runtime

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("幸运星网吧", id="unknown-name"),
        pytest.param("我想问一下户口怎么迁", id="colloquial-sentence"),
        pytest.param("请问一下孩子上户口要带什么", id="colloquial-with-filler"),
    ],
)
def test_no_unsupported_rewrite_is_offered(demo_runtime: Runtime, query: str) -> None:
    q = demo_runtime.search.analyze(query)
    assert q.did_you_mean is None and q.corrected_query is None


def test_a_supported_typo_is_still_corrected(demo_runtime: Runtime) -> None:
    q = demo_runtime.search.analyze("設保卡补办")
    assert q.corrected_query is not None and "社保卡" in q.corrected_query
