"""ImageUrl downloads: the SSRF guard, redirects re-checked, size cap, through the API too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from conftest import api_client, make_settings
from idcard_ocr.errors import DownloadError, ImageSizeTooLarge
from idcard_ocr.server.fetch import fetch_image
from server_fakes import FakeReader, json_body, tc3_headers

pytestmark = pytest.mark.anyio

IMAGE_BYTES = b"\xff\xd8\xff\xe0 served image"


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {
        "/image.jpg": (200, {}, IMAGE_BYTES),
        "/redirect": (302, {"Location": "/image.jpg"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/missing": (404, {}, b"no"),
        "/big": (200, {}, b"x" * 5000),
    }

    def do_GET(self) -> None:
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def image_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def fetch(url: str, allow_private: bool = True, max_bytes: int = 1000) -> bytes:
    return await fetch_image(url, timeout=5, max_bytes=max_bytes, allow_private=allow_private)


async def test_private_address_refused_by_default(image_server: str) -> None:
    with pytest.raises(DownloadError, match="private"):
        await fetch(image_server + "/image.jpg", allow_private=False)


@pytest.mark.parametrize(
    "url", ["http://localhost/x.jpg", "http://[::1]/x.jpg", "http://169.254.169.254/latest"]
)
async def test_other_private_hosts_refused(url: str) -> None:
    with pytest.raises(DownloadError):
        await fetch(url, allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/x.jpg", "file:///etc/passwd", "not a url"])
async def test_only_http_and_https(url: str) -> None:
    with pytest.raises(DownloadError, match="http"):
        await fetch(url)


async def test_allowed_private_fetch_and_redirect(image_server: str) -> None:
    assert await fetch(image_server + "/image.jpg") == IMAGE_BYTES
    assert await fetch(image_server + "/redirect") == IMAGE_BYTES


async def test_redirect_loop_and_http_errors(image_server: str) -> None:
    with pytest.raises(DownloadError, match="redirected"):
        await fetch(image_server + "/loop")
    with pytest.raises(DownloadError, match="404"):
        await fetch(image_server + "/missing")


async def test_size_cap(image_server: str) -> None:
    with pytest.raises(ImageSizeTooLarge):
        await fetch(image_server + "/big", max_bytes=1000)


async def test_unreachable_port_is_download_error() -> None:
    with pytest.raises(DownloadError):
        await fetch("http://127.0.0.1:1/x.jpg")


async def _call(url: str, allow_private: bool, reader: FakeReader) -> dict[str, object]:
    settings = make_settings(allow_private_urls=allow_private)
    body = json_body(ImageUrl=url, ImageBase64="aGVsbG8=")  # ImageUrl wins
    async with api_client(settings, reader) as client:
        response = await client.post("/", content=body, headers=tc3_headers(body))
    result: dict[str, object] = response.json()["Response"]
    return result


async def test_api_refuses_loopback_url_by_default(image_server: str) -> None:
    reader = FakeReader()
    payload = await _call(image_server + "/image.jpg", False, reader)
    assert payload["Error"] == {
        "Code": "FailedOperation.DownLoadError",
        "Message": payload["Error"]["Message"],  # type: ignore[index]
    }
    assert reader.calls == []


async def test_api_fetches_when_private_urls_allowed(image_server: str) -> None:
    reader = FakeReader()
    payload = await _call(image_server + "/image.jpg", True, reader)
    assert payload["Name"] == "李明"
    assert reader.calls[0]["image"] == IMAGE_BYTES
