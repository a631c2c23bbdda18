"""What every recognition endpoint shares: the envelope, the access log, metrics, the workers.

`Endpoint` runs one call from request to response: it answers in the API 3.0 envelope,
writes one access log line and counts the call. Subclasses only turn a request into
fields (`_handle`): the signed API in `app.py`, the web page's unsigned one in `web.py`.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..config import Settings
from ..errors import IdCardOcrError, InternalError
from ..result import AlarmKind, CardSide, IdCardResult
from .actions import ActionSpec, Job, decode_image_base64
from .fetch import fetch_image
from .metrics import Metrics
from .ratelimit import RateLimiter
from .tencent import Language, error, json_response, localize, parse_language, success
from .workers import Workers

__all__ = ["CardReader", "Endpoint", "Outcome", "Service"]

logger = logging.getLogger("idcard_ocr.server")


class CardReader(Protocol):
    """The recognition pipeline: blocking, CPU-bound, raises `IdCardOcrError` subclasses."""

    def __call__(
        self,
        image: bytes,
        *,
        card_side: CardSide | None,
        crop_portrait: bool,
        crop_id_card: bool,
        thresholds: Mapping[AlarmKind, float] | None,
    ) -> IdCardResult: ...


@dataclass
class Outcome:
    """What the access log line says about one call; never images, names or ID numbers."""

    endpoint: str
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    action: str = "-"
    secret_id: str = "-"
    code: str = "Success"
    language: Language = "en-US"


@dataclass(frozen=True)
class Service:
    """The parts shared by every endpoint of one app."""

    settings: Settings
    reader: CardReader
    workers: Workers
    limiter: RateLimiter
    metrics: Metrics

    async def recognize(self, spec: ActionSpec, job: Job) -> dict[str, Any]:
        """Fetch or decode the image, read it on a worker, render the action's fields."""
        image = await self._image(job)
        result = await self.workers.run(functools.partial(self._read, image, job))
        self.metrics.observe_result(result)
        return spec.render(result, job)

    async def _image(self, job: Job) -> bytes:
        settings = self.settings
        if job.image_url is not None:
            return await fetch_image(
                job.image_url,
                timeout=settings.image_url_timeout_seconds,
                max_bytes=settings.image_url_max_bytes,
                allow_private=settings.allow_private_urls,
            )
        assert job.image_base64 is not None  # parse_job guarantees one of the two
        return decode_image_base64(job.image_base64, settings.max_image_base64_bytes)

    def _read(self, image: bytes, job: Job) -> IdCardResult:
        return self.reader(
            image,
            card_side=job.card_side,
            crop_portrait=job.crop_portrait,
            crop_id_card=job.crop_id_card,
            thresholds=self.settings.alarm_thresholds,
        )


class Endpoint(ABC):
    """An ASGI class, not a function, so the route accepts every method and we answer."""

    name: ClassVar[str]
    """The `endpoint` label of metrics and logs."""

    def __init__(self, service: Service) -> None:
        self._service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        outcome = Outcome(self.name, language=parse_language(request.headers.get("x-tc-language")))
        started = time.perf_counter()
        response = await self._answer(request, outcome)
        seconds = time.perf_counter() - started
        self._service.metrics.observe_call(self.name, outcome.action, outcome.code, seconds)
        _log_access(outcome, seconds)
        await response(scope, receive, send)

    @abstractmethod
    async def _handle(self, request: Request, outcome: Outcome) -> dict[str, Any]:
        """The success fields of one call; raises `IdCardOcrError` subclasses."""

    def _respond(self, body: Mapping[str, Any]) -> Response:
        return json_response(body)

    async def _answer(self, request: Request, outcome: Outcome) -> Response:
        try:
            fields = await self._handle(request, outcome)
            return self._respond(success(fields, outcome.request_id))
        except IdCardOcrError as exc:
            outcome.code = exc.code
            message = localize(exc.code, exc.message, outcome.language)
            return self._respond(error(exc.code, message, outcome.request_id))
        except ClientDisconnect:
            outcome.code = "ClientDisconnect"  # nobody is left to read an answer
            return Response(status_code=400)
        except Exception:
            logger.exception("request_id=%s failed unexpectedly", outcome.request_id)
            outcome.code = InternalError.code
            message = localize(InternalError.code, "internal error", outcome.language)
            return self._respond(error(InternalError.code, message, outcome.request_id))


def _log_access(outcome: Outcome, seconds: float) -> None:
    latency_ms = round(seconds * 1000, 1)
    # The message repeats the fields so that plain-text logs say the same as JSON ones.
    logger.info(
        "request_id=%s endpoint=%s action=%s secret_id=%s code=%s latency_ms=%.1f",
        outcome.request_id,
        outcome.endpoint,
        outcome.action,
        outcome.secret_id,
        outcome.code,
        latency_ms,
        extra={
            "request_id": outcome.request_id,
            "endpoint": outcome.endpoint,
            "action": outcome.action,
            "secret_id": outcome.secret_id,
            "code": outcome.code,
            "latency_ms": latency_ms,
        },
    )
