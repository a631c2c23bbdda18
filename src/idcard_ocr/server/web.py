"""The web page: static files under `static/`, and the unsigned endpoint the page calls.

`POST /web/recognize` takes `{"ImageBase64", "CardSide"?}` and answers exactly like the API
with `CropPortrait`, `CropIdCard` and `Details` on, through the same workers and rate
limiter, but without a Tencent signature: it exists only while `web_page_enabled` is on.
Requiring a JSON Content-Type makes another site's form post a CORS preflight that we never
approve, so only pages from this origin can call it. Nothing is stored and every response
says `Cache-Control: no-store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InvalidParameter, UnknownParameter, UnsupportedProtocol
from .actions import ACTIONS, parse_job
from .endpoint import Endpoint, Outcome, Service
from .request import json_object, read_body

__all__ = ["SECURITY_HEADERS", "WebRecognize", "is_page_request", "web_routes"]

STATIC = Path(__file__).parent / "static"
ACTION = "RecognizeMainlandIDCardOCR"
_PAGE_PARAMS = frozenset({"ImageBase64", "CardSide"})

SECURITY_HEADERS: Mapping[str, str] = {
    # Everything from this origin; images also from data: (the crops) and blob: (the photo).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def is_page_request(scope: Scope) -> bool:
    """A browser's GET of `/`: no query string and none of the API's headers."""
    if scope.get("method") != "GET" or scope.get("query_string"):
        return False
    names = {name.lower() for name, _ in scope.get("headers", [])}
    return not names & {b"authorization", b"x-tc-action"}


class WebRecognize(Endpoint):
    """`POST /web/recognize` for the page."""

    name = "web"

    async def _handle(self, request: Request, outcome: Outcome) -> dict[str, Any]:
        if request.method != "POST":
            raise UnsupportedProtocol("use POST with a JSON body")
        outcome.action = ACTION
        params = await self._params(request)
        client = request.client.host if request.client else "-"
        self._service.limiter.acquire(f"web:{client}")
        spec = ACTIONS[ACTION]
        page_options = {"CropPortrait": True, "CropIdCard": True, "Details": True}
        job = parse_job(spec, {**params, **page_options}, textual=False)
        return await self._service.recognize(spec, job)

    async def _params(self, request: Request) -> dict[str, object]:
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise InvalidParameter("send the image as JSON (Content-Type: application/json)")
        body = await read_body(
            request.headers.get("content-length"),
            request.stream(),
            self._service.settings.max_body_bytes,
        )
        params = json_object(body)
        unknown = sorted(set(params) - _PAGE_PARAMS)
        if unknown:
            raise UnknownParameter(f"the page sends only ImageBase64 and CardSide, not {unknown}")
        return params

    def _respond(self, body: Mapping[str, Any]) -> Response:
        response = super()._respond(body)
        response.headers.update(SECURITY_HEADERS)
        return response


class _Headers:
    """Adds the security headers to every response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._raw = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self._raw]
            await send(message)

        await self._app(scope, receive, send_with_headers)


async def _page(scope: Scope, receive: Receive, send: Send) -> None:
    # Read per request: a few kB, and edits to the page show without a restart.
    html = (STATIC / "index.html").read_bytes()
    await Response(html, media_type="text/html; charset=utf-8")(scope, receive, send)


def web_routes(service: Service) -> tuple[ASGIApp, list[BaseRoute]]:
    """The page's ASGI app for `GET /`, and the routes of its assets and endpoint."""
    return _Headers(_page), [
        Route("/web/recognize", WebRecognize(service)),
        Mount("/static", app=_Headers(StaticFiles(directory=STATIC)), name="static"),
    ]
