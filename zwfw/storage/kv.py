"""Short-lived shared state (chat and navigation sessions, caches): a key-value Protocol with
an in-process implementation and a Redis one. Every value carries a time to live.

In process is right for one replica (nothing else runs); behind a load balancer, Redis lets
a conversation started on one replica continue on another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from zwfw.core.errors import BackendUnavailable
from zwfw.core.settings import Settings


class KeyValue(Protocol):
    """Bytes by key with a TTL in seconds; a read after the TTL finds nothing."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryKeyValue:
    """Thread-safe and bounded: expired keys are purged as new ones are written."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        self._data: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._max_keys, self._clock = max_keys, clock

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._data.get(key)
            if found is None or found[1] <= self._clock():
                return None
            return found[0]

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        now = self._clock()
        with self._lock:
            self._data[key] = (value, now + ttl_seconds)
            if len(self._data) > self._max_keys:
                self._data = {k: v for k, v in self._data.items() if v[1] > now}
            while len(self._data) > self._max_keys:  # all alive: drop the oldest written
                self._data.pop(next(iter(self._data)))

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisKeyValue:
    """Keys are `prefix + key`, each set with a TTL (Redis expires them itself)."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def get(self, key: str) -> bytes | None:
        with redis_errors():
            found = self.client.get(self.prefix + key)
        return None if found is None else bytes(found)

    def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:  # already expired: Redis refuses a TTL of 0 or less
            self.delete(key)
            return
        with redis_errors():
            self.client.set(self.prefix + key, value, px=max(1, int(ttl_seconds * 1000)))

    def delete(self, key: str) -> None:
        with redis_errors():
            self.client.delete(self.prefix + key)


def redis_client(url: str) -> Any:
    """A pooled redis-py client with short timeouts: an unreachable Redis is a 503 within
    about a second, not a hung request."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


@contextmanager
def redis_errors(what: str = "the session store") -> Iterator[None]:
    """Redis connection and timeout errors become `BackendUnavailable` naming the store."""
    import redis

    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        raise BackendUnavailable(f"{what} (Redis) is unavailable: {exc}") from exc


def open_kv(settings: Settings) -> KeyValue:
    """Redis at `ZWFW_REDIS_URL` (keys under `ZWFW_REDIS_PREFIX`), else a store in process."""
    if settings.redis_url is None:
        return MemoryKeyValue()
    return RedisKeyValue(redis_client(settings.redis_url.get_secret_value()), settings.redis_prefix)
