"""Running the blocking reader off the event loop, with a bounded wait queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from ..errors import RequestLimitExceeded

__all__ = ["Workers"]

T = TypeVar("T")


class Workers:
    """At most `concurrency` jobs in threads; beyond `max_queue` waiting, refuse at once.

    Callers all live on the one event loop thread, so the plain counter needs no lock.
    """

    def __init__(self, concurrency: int, max_queue: int) -> None:
        self._limiter = anyio.CapacityLimiter(concurrency)
        self._concurrency = concurrency
        self._max_queue = max_queue
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Jobs running or waiting for a thread."""
        return self._admitted

    async def run(self, func: Callable[[], T]) -> T:
        if self._admitted >= self._concurrency + self._max_queue:
            # Queuing forever would only turn overload into client timeouts.
            raise RequestLimitExceeded("the server is busy; retry later")
        self._admitted += 1
        try:
            return await anyio.to_thread.run_sync(func, limiter=self._limiter)
        finally:
            self._admitted -= 1
