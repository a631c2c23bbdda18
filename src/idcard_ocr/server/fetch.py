"""Downloading ImageUrl without becoming a proxy into the private network (SSRF guard).

Each hop's host is resolved once, every address is checked, and the connection goes to the
checked address (Host header and TLS SNI keep the name), so DNS rebinding between the check
and the connect cannot redirect us. Redirects are followed by hand so each hop is re-checked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import anyio
import httpx

from ..errors import DownloadError, EmptyImage, ImageSizeTooLarge

__all__ = ["MAX_REDIRECTS", "address_allowed", "fetch_image"]

MAX_REDIRECTS = 3
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    """The URL with its host replaced by the checked address."""
    host_header: str
    hostname: str


def address_allowed(address: IPAddress) -> bool:
    """Only globally routable unicast addresses may be fetched."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


async def fetch_image(url: str, *, timeout: float, max_bytes: int, allow_private: bool) -> bytes:
    """The bytes at `url`; `DownloadError` when it cannot or may not be fetched."""
    try:
        with anyio.fail_after(timeout):
            return await _fetch(url, max_bytes, allow_private)
    except TimeoutError:
        raise DownloadError(f"downloading ImageUrl took longer than {timeout:g} s") from None
    except (httpx.HTTPError, OSError) as exc:
        raise DownloadError(f"downloading ImageUrl failed: {type(exc).__name__}") from None


async def _fetch(url: str, max_bytes: int, allow_private: bool) -> bytes:
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = await _resolve(url, allow_private)
            extensions = {"sni_hostname": target.hostname} if target.url.scheme == "https" else {}
            request = client.build_request(
                "GET", target.url, headers={"Host": target.host_header}, extensions=extensions
            )
            response = await client.send(request, stream=True)
            try:
                if response.is_redirect and "location" in response.headers:
                    url = str(httpx.URL(url).join(response.headers["location"]))
                    continue
                if response.status_code != 200:
                    raise DownloadError(f"ImageUrl answered HTTP {response.status_code}")
                return await _read_capped(response, max_bytes)
            finally:
                await response.aclose()
    raise DownloadError(f"ImageUrl redirected more than {MAX_REDIRECTS} times")


async def _resolve(url: str, allow_private: bool) -> _Target:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise DownloadError("ImageUrl is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise DownloadError("ImageUrl must be an http or https URL")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = await anyio.getaddrinfo(parsed.host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise DownloadError(f"the host {parsed.host} of ImageUrl cannot be resolved") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise DownloadError(f"the host {parsed.host} of ImageUrl cannot be resolved")
    if not allow_private and not all(address_allowed(a) for a in addresses):
        raise DownloadError(
            f"ImageUrl points to a private or reserved address ({parsed.host}); refused"
        )
    return _Target(
        url=parsed.copy_with(host=str(addresses[0])),
        host_header=parsed.netloc.decode("ascii"),
        hostname=parsed.raw_host.decode("ascii"),  # IDNA form for TLS SNI
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ImageSizeTooLarge(f"the image at ImageUrl exceeds {max_bytes} bytes")
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise ImageSizeTooLarge(f"the image at ImageUrl exceeds {max_bytes} bytes")
        chunks.append(chunk)
    if total == 0:
        raise EmptyImage("the image at ImageUrl is empty")
    return b"".join(chunks)
