"""An LRU cache in front of query encoding: the encoder dominates hybrid-query latency.

A second, shared level (`VectorCache`, e.g. `RedisVectorCache`) is consulted on a local
miss, so a query one replica encoded is not encoded again by the others."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from zwfw.models.encoders.protocol import Encoder, Vectors


class VectorCache(Protocol):
    """Query vectors shared between processes; entries expire after the cache's TTL."""

    def get_many(self, texts: Sequence[str]) -> list[Vectors | None]: ...

    def put_many(self, vectors: Mapping[str, Vectors]) -> None: ...


class RedisVectorCache:
    """Float32 bytes under `prefix + model id + text`, each with a TTL; a Redis failure is a
    miss (encoding locally is slower, never wrong)."""

    def __init__(self, client: Any, prefix: str, model_id: str, dim: int, ttl_seconds: int) -> None:
        self._client, self._dim, self._ttl = client, dim, ttl_seconds
        self._prefix = f"{prefix}qvec:{model_id}:"

    def get_many(self, texts: Sequence[str]) -> list[Vectors | None]:
        try:
            found = self._client.mget([self._prefix + t for t in texts])
        except Exception:  # Redis down or slow: encode locally
            return [None] * len(texts)
        return [None if b is None else np.frombuffer(b, dtype=np.float32) for b in found]

    def put_many(self, vectors: Mapping[str, Vectors]) -> None:
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for text, vec in vectors.items():
                    data = np.asarray(vec, dtype=np.float32).tobytes()
                    pipe.set(self._prefix + text, data, ex=self._ttl)
                pipe.execute()
        except Exception:  # best effort, as reads are
            return


class CachedEncoder:
    """Wraps an Encoder; repeated queries skip the model and misses are encoded in one batch."""

    def __init__(self, inner: Encoder, size: int = 4096, shared: VectorCache | None = None) -> None:
        self.inner = inner
        self.shared = shared
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
            fresh = self._from_shared(missing)
            todo = [t for t in missing if t not in fresh]
            if todo:
                encoded = dict(zip(todo, self.inner.encode_queries(todo), strict=True))
                if self.shared is not None:
                    self.shared.put_many(encoded)
                fresh |= encoded
            self.misses += len(missing)
            self._store(fresh)
            out = [v if v is not None else fresh[t] for t, v in zip(texts, out, strict=True)]
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([v for v in out if v is not None]).astype(np.float32)

    def _from_shared(self, texts: list[str]) -> dict[str, Vectors]:
        if self.shared is None:
            return {}
        found = self.shared.get_many(texts)
        return {t: v for t, v in zip(texts, found, strict=True) if v is not None}

    def _store(self, fresh: dict[str, Vectors]) -> None:
        if self._size == 0:
            return
        with self._lock:
            for t, v in fresh.items():
                self._cache[t] = v
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
