"""Small parts: rate limiter, worker queue, envelope, parameter table, address guard."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import anyio
import pytest

from idcard_ocr.errors import (
    EmptyImage,
    ImageDecodeFailed,
    ImageSizeTooLarge,
    InvalidParameter,
    RequestLimitExceeded,
)
from idcard_ocr.server.actions import ACTIONS, decode_image_base64, parse_job
from idcard_ocr.server.fetch import address_allowed
from idcard_ocr.server.ratelimit import RateLimiter
from idcard_ocr.server.tencent import error, json_response, success
from idcard_ocr.server.workers import Workers


def test_token_bucket_refills_per_secret_id() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    limiter.acquire("a")
    limiter.acquire("a")
    with pytest.raises(RequestLimitExceeded):
        limiter.acquire("a")
    limiter.acquire("b")  # separate bucket
    now[0] = 0.5
    limiter.acquire("a")  # one token back after half a second at 2/s
    with pytest.raises(RequestLimitExceeded):
        limiter.acquire("a")


@pytest.mark.anyio
async def test_workers_refuse_beyond_queue() -> None:
    workers = Workers(concurrency=1, max_queue=1)
    gate = anyio.Event()
    token = anyio.lowlevel.current_token()

    def blocking() -> int:
        anyio.from_thread.run(gate.wait, token=token)
        return 7

    results: list[int] = []

    async def run() -> None:
        results.append(await workers.run(blocking))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        tg.start_soon(run)
        while workers.admitted < 2:
            await anyio.sleep(0.001)
        with pytest.raises(RequestLimitExceeded):
            await workers.run(lambda: 0)
        gate.set()
    assert results == [7, 7]
    assert workers.admitted == 0


def test_envelopes_and_exact_content_type() -> None:
    assert success({"Name": "李"}, "r") == {"Response": {"Name": "李", "RequestId": "r"}}
    assert error("C", "m", "r") == {
        "Response": {"Error": {"Code": "C", "Message": "m"}, "RequestId": "r"}
    }
    response = json_response(success({"Name": "李"}, "r"))
    assert response.headers["content-type"] == "application/json"
    assert json.loads(bytes(response.body)) == {"Response": {"Name": "李", "RequestId": "r"}}
    assert "李".encode() in bytes(response.body)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", EmptyImage),
        ("  \n", EmptyImage),
        ("abc", ImageDecodeFailed),
        ("a$b=", ImageDecodeFailed),
        ("A" * 101, ImageSizeTooLarge),
    ],
)
def test_decode_image_base64_failures(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_image_base64(text, 100)


def test_decode_image_base64_tolerates_line_breaks_and_data_urls() -> None:
    assert decode_image_base64("aGVs\nbG8=", 100) == b"hello"
    assert decode_image_base64("data:image/png;base64,aGVsbG8=", 100) == b"hello"


@pytest.mark.parametrize(
    ("raw", "textual", "expected"),
    [
        ({"CropPortrait": "True"}, True, True),
        ({"CropPortrait": "false"}, True, False),
        ({"CropPortrait": True}, False, True),
        ({"CropPortrait": None}, False, False),
    ],
)
def test_boolean_parameters(raw: dict[str, Any], textual: bool, expected: bool) -> None:
    spec = ACTIONS["RecognizeMainlandIDCardOCR"]
    job = parse_job(spec, {"ImageBase64": "aGVsbG8="} | raw, textual)
    assert job.crop_portrait is expected


def test_details_extension_is_kept_and_text_booleans_need_text_mode() -> None:
    spec = ACTIONS["RecognizeMainlandIDCardOCR"]
    assert parse_job(spec, {"ImageUrl": "http://x", "Details": True}, False).details is True
    with pytest.raises(InvalidParameter):
        parse_job(spec, {"ImageBase64": "aGVsbG8=", "Details": "True"}, False)


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_address_guard(address: str, allowed: bool) -> None:
    assert address_allowed(ipaddress.ip_address(address)) is allowed
