"""Per-SecretId token buckets: a burst of `rate` calls, refilled at `rate` per second."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import RequestLimitExceeded

__all__ = ["RateLimiter"]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Only authenticated SecretIds reach it, so the bucket table is bounded by the key table."""

    def __init__(self, rate_per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate_per_second
        self._capacity = max(rate_per_second, 1.0)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, secret_id: str) -> None:
        """Take one token for `secret_id`, or raise `RequestLimitExceeded`."""
        now = self._clock()
        bucket = self._buckets.setdefault(secret_id, _Bucket(self._capacity, now))
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(self._capacity, bucket.tokens + elapsed * self._rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            raise RequestLimitExceeded(
                f"more than {self._rate:g} requests per second for SecretId {secret_id}"
            )
        bucket.tokens -= 1.0
