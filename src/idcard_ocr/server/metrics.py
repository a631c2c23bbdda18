"""Prometheus metrics, one registry per app so that many apps in one process never collide."""

from __future__ import annotations

from collections.abc import Callable, Collection

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from ..result import IdCardResult

__all__ = ["Metrics"]

# Recognitions take 0.3-2 s; the low buckets catch the errors answered before any work.
_LATENCY_BUCKETS = (0.005, 0.025, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Requests by action and code, latency, alarms raised, queue depth and readiness."""

    def __init__(
        self,
        actions: Collection[str],
        queue_depth: Callable[[], float],
        ready: Callable[[], bool],
    ) -> None:
        self.registry = CollectorRegistry()
        # Action names come from clients: unknown ones share one label value so a scanner
        # cannot grow the series without bound.
        self._actions = frozenset(actions)
        self._requests = Counter(
            "idcard_ocr_requests",
            "Calls answered, by endpoint (api|web), action and Tencent error code",
            ["endpoint", "action", "code"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "idcard_ocr_request_duration_seconds",
            "Time from receiving a call to answering it",
            ["endpoint", "action"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._alarms = Counter(
            "idcard_ocr_alarms_raised",
            "Alarms raised on recognized cards, by alarm name",
            ["alarm"],
            registry=self.registry,
        )
        depth = Gauge(
            "idcard_ocr_queue_depth",
            "Recognitions running or waiting for a worker",
            registry=self.registry,
        )
        depth.set_function(queue_depth)
        up = Gauge("idcard_ocr_ready", "1 once the models are loaded", registry=self.registry)
        up.set_function(lambda: 1.0 if ready() else 0.0)

    def observe_call(self, endpoint: str, action: str, code: str, seconds: float) -> None:
        label = action if action in self._actions else "other"
        self._requests.labels(endpoint, label, code).inc()
        self._latency.labels(endpoint, label).observe(seconds)

    def observe_result(self, result: IdCardResult) -> None:
        for alarm in result.alarms:
            if alarm.raised:
                self._alarms.labels(alarm.kind.value).inc()

    async def endpoint(self, request: Request) -> Response:
        """GET /metrics in the Prometheus text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
