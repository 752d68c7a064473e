"""Text normalisation shared by indexing and querying, so both sides see the same characters."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def normalize(text: str) -> str:
    """Traditional → simplified, full-width → half-width (NFKC), lower case, single spaces.

    NFKC also folds compatibility forms such as `①` and ideographic spaces. Chinese
    punctuation that NFKC keeps (`，。、`) is left alone: segmentation treats it as a break.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    return _SPACES.sub(" ", text).strip().lower()
