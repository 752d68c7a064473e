"""Any sentence-transformers model from a local path (bge-small-zh, …), behind the `[st]` extra."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zwfw.core.errors import ConfigError, MissingDependency
from zwfw.models.encoders.protocol import Vectors


class SentenceTransformerEncoder:
    """Loads the model from disk only: a hub download would fail on these machines anyway.

    Prefixes are settings because models differ: e5 wants `query: `/`passage: `, bge-zh wants
    an instruction on queries only, and plain models want none.
    """

    def __init__(
        self,
        model_path: Path,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependency("sentence-transformers", "st") from exc
        if not Path(model_path).is_dir():
            raise ConfigError(f"ZWFW_ENCODER__MODEL_PATH {model_path} is not a model directory")
        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self._path = Path(model_path)
        self._qp, self._pp, self._batch = query_prefix, passage_prefix, batch_size
        dim = _dimension(self._model)
        if dim is None:
            raise ConfigError(f"model at {model_path} does not report an embedding dimension")
        self._dim = int(dim)

    @property
    def model_id(self) -> str:
        return f"st:{self._path.resolve().name}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._qp + t for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self._encode([self._pp + t for t in texts])

    def _encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = self._model.encode(
            texts, batch_size=self._batch, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(out, dtype=np.float32)


def _dimension(model: Any) -> int | None:
    """sentence-transformers 6 renamed the method; support both without a FutureWarning."""
    if hasattr(model, "get_embedding_dimension"):
        dim = model.get_embedding_dimension()
    else:
        dim = model.get_sentence_embedding_dimension()
    return None if dim is None else int(dim)
