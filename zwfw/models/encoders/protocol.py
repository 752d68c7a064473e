"""The sentence-encoder contract every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Encoder(Protocol):
    """Turns text into unit-length float32 vectors, so inner product is cosine similarity.

    Queries and passages are encoded separately because asymmetric models (e5) prefix them
    differently; a symmetric model may treat both the same.
    """

    @property
    def model_id(self) -> str:
        """Identifies the model in the index manifest: an index built with another is stale."""
        ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...

    def encode_passages(self, texts: Sequence[str]) -> Vectors: ...
