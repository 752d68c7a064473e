"""An LRU cache in front of query encoding: the encoder dominates hybrid-query latency."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from zwfw.models.encoders.protocol import Encoder, Vectors


class CachedEncoder:
    """Wraps an Encoder; repeated queries skip the model and misses are encoded in one batch."""

    def __init__(self, inner: Encoder, size: int = 4096) -> None:
        self.inner = inner
        self._size = size
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_passages(self, texts: Sequence[str]) -> Vectors:
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        out: list[Vectors | None] = []
        with self._lock:
            for t in texts:
                vec = self._cache.get(t)
                if vec is not None:
                    self._cache.move_to_end(t)
                    self.hits += 1
                out.append(vec)
        missing = sorted({t for t, v in zip(texts, out, strict=True) if v is None})
        if missing:
            fresh = dict(zip(missing, self.inner.encode_queries(missing), strict=True))
            self.misses += len(missing)
            self._store(fresh)
            out = [v if v is not None else fresh[t] for t, v in zip(texts, out, strict=True)]
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([v for v in out if v is not None]).astype(np.float32)

    def _store(self, fresh: dict[str, Vectors]) -> None:
        if self._size == 0:
            return
        with self._lock:
            for t, v in fresh.items():
                self._cache[t] = v
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
