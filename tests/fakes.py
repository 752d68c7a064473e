"""Deterministic fakes that implement the real protocols, for fast unit tests only."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from zwfw.models.encoders import Vectors


class HashEncoder:
    """Unit vectors from a hash of each character bigram: similar strings share dimensions.

    Never used by the product: it exists so index plumbing can be tested in milliseconds.
    """

    def __init__(self, dim: int = 64, fail_after: int | None = None) -> None:
        self._dim = dim
        self.fail_after = fail_after
        self.calls = 0

    @property
    def model_id(self) -> str:
        return "test/hash"

    @property
    def dim(self) -> int:
        return self._dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for i in range(max(1, len(text) - 1)):
            h = int.from_bytes(hashlib.blake2b(text[i : i + 2].encode(), digest_size=4).digest())
            v[h % self._dim] += 1.0
        return v / max(float(np.linalg.norm(v)), 1e-9)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("encoder crashed mid-build")
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.vstack([self._vec(t) for t in texts]).astype(np.float32)


class FailingEncoder:
    """Wraps a real encoder and fails on the n-th passage batch: a crash in the middle of a
    build, with the real model doing the work until then."""

    def __init__(self, inner: object, fail_after: int) -> None:
        self.inner = inner
        self.fail_after = fail_after
        self.calls = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id  # type: ignore[attr-defined,no-any-return]

    @property
    def dim(self) -> int:
        return self.inner.dim  # type: ignore[attr-defined,no-any-return]

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_queries(texts)  # type: ignore[attr-defined,no-any-return]

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        if self.calls > self.fail_after:
            raise RuntimeError("encoder crashed mid-build")
        return self.inner.encode_passages(texts)  # type: ignore[attr-defined,no-any-return]
