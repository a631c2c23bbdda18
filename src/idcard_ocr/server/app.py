"""The ASGI app: one API endpoint at `/` plus `/healthz`; all logic lives in sibling modules.

Order of checks per call: size, parse, auth (so a bad signature gets no work done), rate
limit, action and parameters, download, recognition.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..config import Settings
from ..errors import IdCardOcrError, InternalError, UnsupportedProtocol
from ..result import AlarmKind, CardSide, IdCardResult
from .actions import Job, decode_image_base64, parse_job, resolve_action
from .auth import Authenticator
from .fetch import fetch_image
from .ratelimit import RateLimiter
from .request import ApiCall, Tc3Credentials, check_query_size, parse_call, read_body
from .tencent import Language, error, json_response, localize, parse_language, success
from .workers import Workers

__all__ = ["CardReader", "create_app"]

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
class _Outcome:
    """What the access log line says about one call; never images, names or ID numbers."""

    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    action: str = "-"
    secret_id: str = "-"
    code: str = "Success"
    language: Language = "en-US"


class _ApiEndpoint:
    """An ASGI class, not a function, so the route accepts every method and we answer."""

    def __init__(self, settings: Settings, reader: CardReader) -> None:
        self._settings = settings
        self._reader = reader
        self._auth = Authenticator(
            settings.secret_key,
            public_hosts=settings.public_hosts,
            skew_seconds=settings.timestamp_skew_seconds,
        )
        self._limiter = RateLimiter(settings.rate_limit_per_second)
        self._workers = Workers(settings.max_concurrency, settings.max_queue)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        outcome = _Outcome(language=parse_language(request.headers.get("x-tc-language")))
        started = time.perf_counter()
        response = await self._answer(request, outcome)
        logger.info(
            "request_id=%s action=%s secret_id=%s code=%s latency_ms=%.1f",
            outcome.request_id,
            outcome.action,
            outcome.secret_id,
            outcome.code,
            (time.perf_counter() - started) * 1000,
        )
        await response(scope, receive, send)

    async def _answer(self, request: Request, outcome: _Outcome) -> Response:
        try:
            fields = await self._handle(request, outcome)
            return json_response(success(fields, outcome.request_id))
        except IdCardOcrError as exc:
            outcome.code = exc.code
            message = localize(exc.code, exc.message, outcome.language)
            return json_response(error(exc.code, message, outcome.request_id))
        except ClientDisconnect:
            outcome.code = "ClientDisconnect"  # nobody is left to read an answer
            return Response(status_code=400)
        except Exception:
            logger.exception("request_id=%s failed unexpectedly", outcome.request_id)
            outcome.code = InternalError.code
            message = localize(InternalError.code, "internal error", outcome.language)
            return json_response(error(InternalError.code, message, outcome.request_id))

    async def _handle(self, request: Request, outcome: _Outcome) -> dict[str, Any]:
        call = await self._parse(request)
        outcome.action, outcome.language = call.action, call.language
        outcome.secret_id = self._authenticate(call)
        self._limiter.acquire(outcome.secret_id)
        spec = resolve_action(call.action, call.version, call.region)
        job = parse_job(spec, call.params, call.textual)
        image = await self._image(job)
        result = await self._workers.run(functools.partial(self._read, image, job))
        return spec.render(result, job)

    async def _parse(self, request: Request) -> ApiCall:
        method = request.method
        if method not in ("GET", "POST"):
            raise UnsupportedProtocol(f"HTTP method {method} is not supported; use GET or POST")
        query: bytes = request.scope.get("query_string", b"")
        body = b""
        if method == "GET":
            check_query_size(query)
        else:
            body = await read_body(
                request.headers.get("content-length"),
                request.stream(),
                self._settings.max_body_bytes,
            )
        headers = {name.lower(): value for name, value in request.headers.items()}
        return parse_call(method, query, headers, body)

    def _authenticate(self, call: ApiCall) -> str:
        credentials = call.credentials
        if isinstance(credentials, Tc3Credentials):
            return self._auth.check_tc3(credentials.authorization, credentials.signed)
        return self._auth.check_v1(credentials.params, credentials.method, credentials.host)

    async def _image(self, job: Job) -> bytes:
        settings = self._settings
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
        return self._reader(
            image,
            card_side=job.card_side,
            crop_portrait=job.crop_portrait,
            crop_id_card=job.crop_id_card,
            thresholds=self._settings.alarm_thresholds,
        )


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, reader: CardReader) -> Starlette:
    """The service as an ASGI app, with `reader` doing the recognition."""
    return Starlette(
        routes=[
            Route("/healthz", _healthz, methods=["GET"]),
            Route("/", _ApiEndpoint(settings, reader)),
        ]
    )
