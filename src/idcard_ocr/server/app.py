"""The ASGI app: the API at `/`, the web page, health, readiness and metrics.

Order of checks per API call: size, parse, auth (so a bad signature gets no work done), rate
limit, action and parameters, download, recognition. A plain browser GET of `/` (no query,
no Tencent headers) gets the web page instead, when it is enabled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..config import Settings
from ..errors import UnsupportedProtocol
from .actions import ACTIONS, parse_job, resolve_action
from .auth import Authenticator
from .endpoint import CardReader, Endpoint, Outcome, Service
from .keys import KeyStore
from .metrics import Metrics
from .ratelimit import RateLimiter
from .request import ApiCall, Tc3Credentials, check_query_size, parse_call, read_body
from .web import is_page_request, web_routes
from .workers import Workers

__all__ = ["CardReader", "SupportsReady", "create_app"]


@runtime_checkable
class SupportsReady(Protocol):
    """A reader that loads its models in the background says here when it is done."""

    def ready(self) -> bool: ...


class _ApiEndpoint(Endpoint):
    """Tencent API 3.0 calls, TC3 or v1 signed."""

    name = "api"

    def __init__(self, service: Service) -> None:
        super().__init__(service)
        settings = service.settings
        keys = KeyStore(
            {secret_id: key.get_secret_value() for secret_id, key in settings.keys.items()},
            settings.keys_file,
            check_seconds=settings.keys_file_check_seconds,
        )
        self._auth = Authenticator(
            keys, public_hosts=settings.public_hosts, skew_seconds=settings.timestamp_skew_seconds
        )

    async def _handle(self, request: Request, outcome: Outcome) -> dict[str, Any]:
        call = await self._parse(request)
        outcome.action, outcome.language = call.action, call.language
        outcome.secret_id = self._authenticate(call)
        self._service.limiter.acquire(outcome.secret_id)
        spec = resolve_action(call.action, call.version, call.region)
        job = parse_job(spec, call.params, call.textual)
        return await self._service.recognize(spec, job)

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
                self._service.settings.max_body_bytes,
            )
        headers = {name.lower(): value for name, value in request.headers.items()}
        return parse_call(method, query, headers, body)

    def _authenticate(self, call: ApiCall) -> str:
        credentials = call.credentials
        if isinstance(credentials, Tc3Credentials):
            return self._auth.check_tc3(credentials.authorization, credentials.signed)
        return self._auth.check_v1(credentials.params, credentials.method, credentials.host)


class _Root:
    """`/`: the web page for a browser's plain GET, the API for everything else."""

    def __init__(self, api: ASGIApp, page: ASGIApp | None) -> None:
        self._api = api
        self._page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self._page if self._page is not None and is_page_request(scope) else self._api
        await target(scope, receive, send)


async def _healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _readyz(ready: Callable[[], bool]) -> Callable[[Request], Awaitable[Response]]:
    async def readyz(request: Request) -> Response:
        if ready():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "loading models"}, status_code=503)

    return readyz


def create_app(settings: Settings, reader: CardReader) -> Starlette:
    """The service as an ASGI app, with `reader` doing the recognition.

    `/readyz` asks `reader.ready()` when the reader has that method (see `SupportsReady`);
    any other reader is taken as ready from the start.
    """
    ready: Callable[[], bool] = reader.ready if isinstance(reader, SupportsReady) else _always
    workers = Workers(settings.max_concurrency, settings.max_queue)
    metrics = Metrics(ACTIONS, lambda: workers.admitted, ready)
    service = Service(
        settings=settings,
        reader=reader,
        workers=workers,
        limiter=RateLimiter(settings.rate_limit_per_second),
        metrics=metrics,
    )
    page, routes = web_routes(service) if settings.web_page_enabled else (None, [])
    base: list[BaseRoute] = [
        Route("/healthz", _healthz, methods=["GET"]),
        Route("/readyz", _readyz(ready), methods=["GET"]),
        Route("/metrics", metrics.endpoint, methods=["GET"]),
        Route("/", _Root(_ApiEndpoint(service), page)),
    ]
    return Starlette(routes=base + routes)


def _always() -> bool:
    return True
