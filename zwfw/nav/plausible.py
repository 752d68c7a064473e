"""Weak candidates for navigation and the chat: the test lives in `zwfw.search.plausible`,
which `/v1/search` also reads for filtered results."""

from zwfw.search.plausible import WEAK_COSINE, WEAK_COVERAGE, coverage, weak

__all__ = ["WEAK_COSINE", "WEAK_COVERAGE", "coverage", "weak"]
