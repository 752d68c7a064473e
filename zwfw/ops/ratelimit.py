"""Per-client token buckets, so one client cannot flood the ratings with votes.

A bucket holds `capacity` tokens and refills at `per_second`; a request takes one. In process
(`RateLimiter`) memory is bounded: past `max_keys` clients, buckets that are full again (idle
clients) are forgotten. Behind a load balancer the buckets live in Redis (`RedisRateLimiter`),
so a client's requests count the same whichever replica they reach.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from zwfw.core.settings import Settings
from zwfw.storage.kv import redis_client, redis_errors


class Limiter(Protocol):
    def acquire(self, key: str) -> float:
        """Take a token for `key`: 0.0 when allowed, else the seconds until one is free."""
        ...


class RateLimiter:
    def __init__(
        self,
        capacity: float = 10,
        per_second: float = 10 / 60,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity, self.per_second, self.max_keys = capacity, per_second, max_keys
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Take a token for `key`: 0.0 when allowed, else the seconds until one is free."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.per_second)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return (1 - tokens) / self.per_second
            self._buckets[key] = (tokens - 1, now)
            if len(self._buckets) > self.max_keys:
                self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        full_after = self.capacity / self.per_second
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= full_after:
                del self._buckets[key]


# One atomic step of the bucket in Redis: refill by elapsed time, take a token if there is
# one, keep the bucket only as long as it takes to fill again (then it equals a new one).
_BUCKET = """
local capacity, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]) or capacity, tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate else tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))
return tostring(wait)
"""


class RedisRateLimiter:
    """The same token bucket, kept in Redis under `prefix + key` with a TTL, and updated by
    one Lua script so concurrent replicas never both take the last token."""

    def __init__(self, client: Any, prefix: str, capacity: float, per_second: float) -> None:
        self.capacity, self.per_second, self.prefix = capacity, per_second, prefix
        self._client = client
        self._script = client.register_script(_BUCKET)

    def acquire(self, key: str) -> float:
        with redis_errors("the rate limiter"):
            now = self._client.time()  # the server's clock: replicas' clocks may disagree
            wait = self._script(
                keys=[self.prefix + key],
                args=[self.capacity, self.per_second, now[0] + now[1] / 1e6],
            )
        return float(wait)


def create_rate_limiter(
    settings: Settings, name: str, capacity: float = 10, per_second: float = 10 / 60
) -> Limiter:
    """Buckets in Redis when `ZWFW_REDIS_URL` is set, else in process."""
    if settings.redis_url is None:
        return RateLimiter(capacity, per_second)
    client = redis_client(settings.redis_url.get_secret_value())
    prefix = f"{settings.redis_prefix}ratelimit:{name}:"
    return RedisRateLimiter(client, prefix, capacity, per_second)
