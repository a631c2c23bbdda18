"""The API in-process through httpx.ASGITransport: envelope, every common error, pass-through."""

from __future__ import annotations

import base64
import json
from typing import Any

import anyio
import httpx
import pytest

from conftest import api_client, make_settings
from idcard_ocr import errors
from idcard_ocr.result import CardSide
from server_fakes import FRONT, SECRET_ID, FakeReader, is_uuid4, json_body, tc3_headers, v1_form

pytestmark = pytest.mark.anyio

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()


async def post(
    client: httpx.AsyncClient, body: bytes, **sign: Any
) -> tuple[httpx.Response, dict[str, Any]]:
    response = await client.post("/", content=body, headers=tc3_headers(body, **sign))
    return response, response.json()["Response"]


def assert_envelope(response: httpx.Response, payload: dict[str, Any]) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert is_uuid4(payload["RequestId"])


async def expect_error(
    client: httpx.AsyncClient, code: str, body: bytes, **sign: Any
) -> dict[str, Any]:
    response, payload = await post(client, body, **sign)
    assert_envelope(response, payload)
    assert payload["Error"]["Code"] == code, payload
    assert payload["Error"]["Message"]
    return payload


async def test_success_fields(client: httpx.AsyncClient, reader: FakeReader) -> None:
    body = json_body(ImageBase64=IMAGE, CardSide="FRONT", CropPortrait=True, CropIdCard=True)
    response, payload = await post(client, body)
    assert_envelope(response, payload)
    assert response.headers["content-type"] == "application/json"  # exactly: no charset
    assert payload["Name"] == "李明"
    assert "李明".encode() in response.content  # ensure_ascii=False, UTF-8
    assert payload["IdNum"] == FRONT.id_num and payload["Birth"] == "1990/3/17"
    assert payload["Authority"] == "" and payload["ValidDate"] == ""
    assert payload["WarnCardInfos"] == [-9101, -9108]
    assert base64.b64decode(payload["PortraitImage"]) == FRONT.portrait_jpeg
    assert base64.b64decode(payload["IdCardImage"]) == FRONT.card_jpeg
    assert reader.calls == [
        {
            "image": base64.b64decode(IMAGE),
            "card_side": CardSide.FRONT,
            "crop_portrait": True,
            "crop_id_card": True,
            "thresholds": {},
        }
    ]


async def test_request_ids_are_fresh(client: httpx.AsyncClient) -> None:
    ids = set()
    for body in (json_body(ImageBase64=IMAGE), b"not json"):
        _, payload = await post(client, body)
        ids.add(payload["RequestId"])
    assert len(ids) == 2


async def test_get_with_query_string(client: httpx.AsyncClient, reader: FakeReader) -> None:
    query = httpx.QueryParams({"ImageBase64": IMAGE, "CropPortrait": "True"})
    headers = tc3_headers(b"", method="GET", query=str(query))
    response = await client.get("/?" + str(query), headers=headers)
    assert response.json()["Response"]["Name"] == "李明"
    assert reader.calls[0]["crop_portrait"] is True


@pytest.mark.parametrize("sign_method", ["HmacSHA1", "HmacSHA256"])
async def test_v1_form_post(
    client: httpx.AsyncClient, reader: FakeReader, sign_method: str
) -> None:
    form = v1_form({"ImageBase64": IMAGE, "CropIdCard": True}, sign_method=sign_method)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/", content=form, headers=headers)
    assert response.json()["Response"]["IdNum"] == FRONT.id_num
    assert reader.calls[0]["crop_id_card"] is True


async def test_v1_query_string_get(client: httpx.AsyncClient) -> None:
    query = v1_form({"ImageBase64": IMAGE}, method="GET")
    response = await client.get("/?" + query)
    assert response.json()["Response"]["Name"] == "李明"


@pytest.mark.parametrize(
    ("code", "body", "sign"),
    [
        ("MissingParameter", json_body(CardSide="FRONT"), {}),
        ("MissingParameter", json_body(ImageUrl=""), {}),
        ("InvalidParameter", b'{"ImageBase64": ', {}),
        ("InvalidParameter", b"[1, 2]", {}),
        ("InvalidParameter", json_body(ImageBase64=12), {}),
        ("InvalidParameter", json_body(ImageBase64=IMAGE, CropPortrait="true"), {}),
        ("UnknownParameter", json_body(ImageBase64=IMAGE, Colour=True), {}),
        ("InvalidAction", json_body(ImageBase64=IMAGE), {"action": "DescribeInstances"}),
        ("NoSuchVersion", json_body(ImageBase64=IMAGE), {"version": "2017-03-12"}),
        ("UnsupportedRegion", json_body(ImageBase64=IMAGE), {"region": "ap-guangzhou"}),
        (
            "InvalidParameterValue.InvalidParameterValueLimit",
            json_body(ImageBase64=IMAGE, CardSide="LEFT"),
            {},
        ),
        ("FailedOperation.EmptyImageError", json_body(ImageBase64=""), {}),
        ("FailedOperation.ImageDecodeFailed", json_body(ImageBase64="@@not base64@@"), {}),
        ("AuthFailure.SignatureExpire", json_body(ImageBase64=IMAGE), {"timestamp": 1}),
        ("AuthFailure.SecretIdNotFound", json_body(ImageBase64=IMAGE), {"secret_id": "AKIDx"}),
        ("AuthFailure.SignatureFailure", json_body(ImageBase64=IMAGE), {"secret_key": "x"}),
    ],
)
async def test_common_errors(
    client: httpx.AsyncClient, reader: FakeReader, code: str, body: bytes, sign: dict[str, Any]
) -> None:
    await expect_error(client, code, body, **sign)
    assert reader.calls == []


async def test_signature_for_another_host_fails(client: httpx.AsyncClient) -> None:
    body = json_body(ImageBase64=IMAGE)
    headers = tc3_headers(body, host="other.example:1") | {"Host": "testserver"}
    response = await client.post("/", content=body, headers=headers)
    assert response.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


async def test_no_region_is_accepted(client: httpx.AsyncClient) -> None:
    _, payload = await post(client, json_body(ImageBase64=IMAGE), region=None)
    assert payload["Name"] == "李明"


async def test_bad_signature_is_checked_before_parameters(client: httpx.AsyncClient) -> None:
    await expect_error(
        client, "AuthFailure.SignatureFailure", json_body(Bogus=1), secret_key="wrong"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "TC3-HMAC-SHA256 Credential=broken"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
async def test_invalid_authorization(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    base = tc3_headers(b"{}")
    del base["Authorization"]
    response = await client.post("/", content=b"{}", headers=base | headers)
    payload = response.json()["Response"]
    assert_envelope(response, payload)
    assert payload["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
async def test_unsupported_protocol(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/", content=b"{}", headers=tc3_headers(b"{}"))
    payload = response.json()["Response"]
    assert_envelope(response, payload)
    assert payload["Error"]["Code"] == "UnsupportedProtocol"


async def test_body_over_limit(reader: FakeReader) -> None:
    async with api_client(make_settings(max_body_bytes=1000), reader) as client:
        body = json_body(ImageBase64="A" * 2000)
        await expect_error(client, "RequestSizeLimitExceeded", body)


async def test_body_over_limit_without_content_length(reader: FakeReader) -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 500

    async with api_client(make_settings(max_body_bytes=1000), reader) as client:
        response = await client.post("/", content=chunks(), headers=tc3_headers(b""))
        assert response.json()["Response"]["Error"]["Code"] == "RequestSizeLimitExceeded"


async def test_query_string_over_32_kb(client: httpx.AsyncClient) -> None:
    query = "ImageBase64=" + "A" * (33 * 1024)
    response = await client.get("/?" + query, headers=tc3_headers(b"", method="GET", query=query))
    assert response.json()["Response"]["Error"]["Code"] == "RequestSizeLimitExceeded"


async def test_image_base64_over_limit(reader: FakeReader) -> None:
    async with api_client(make_settings(max_image_base64_bytes=100), reader) as client:
        body = json_body(ImageBase64="A" * 200)
        await expect_error(client, "FailedOperation.ImageSizeTooLarge", body)


async def test_rate_limit_per_secret_id(reader: FakeReader) -> None:
    async with api_client(make_settings(rate_limit_per_second=2), reader) as client:
        codes = []
        for _ in range(3):
            _, payload = await post(client, json_body(ImageBase64=IMAGE))
            codes.append(payload.get("Error", {}).get("Code", "ok"))
        assert codes == ["ok", "ok", "RequestLimitExceeded"]


def _leaf_errors() -> list[type[errors.IdCardOcrError]]:
    leaves = []
    for value in vars(errors).values():
        is_error = isinstance(value, type) and issubclass(value, errors.IdCardOcrError)
        if is_error and not value.__subclasses__():
            leaves.append(value)
    return leaves


@pytest.mark.parametrize("error", _leaf_errors(), ids=lambda e: e.code)
async def test_reader_errors_pass_through(error: type[errors.IdCardOcrError]) -> None:
    reader = FakeReader(error=error("scripted failure"))
    async with api_client(make_settings(), reader) as client:
        payload = await expect_error(client, error.code, json_body(ImageBase64=IMAGE))
        assert payload["Error"]["Message"] == "scripted failure"


async def test_unexpected_failure_is_internal_error_without_leak(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reader = FakeReader(error=RuntimeError("secret stack detail"))
    async with api_client(make_settings(), reader) as client:
        payload = await expect_error(client, "InternalError", json_body(ImageBase64=IMAGE))
    assert "secret" not in json.dumps(payload)
    assert "secret stack detail" in caplog.text  # logged with its traceback


async def test_log_line_has_no_personal_data(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="idcard_ocr.server")
    _, payload = await post(client, json_body(ImageBase64=IMAGE))
    assert payload["RequestId"] in caplog.text
    assert SECRET_ID in caplog.text and "code=Success" in caplog.text
    for secret in ("李明", FRONT.id_num, IMAGE):
        assert secret not in caplog.text


async def test_chinese_messages(client: httpx.AsyncClient) -> None:
    payload = await expect_error(client, "MissingParameter", json_body(), language="zh-CN")
    assert payload["Error"]["Message"].startswith("缺少参数")


async def test_queue_full_answers_request_limit_exceeded() -> None:
    release = anyio.Event()
    started = anyio.Event()
    token = anyio.lowlevel.current_token()

    class SlowReader(FakeReader):
        def __call__(self, image: bytes, **kwargs: Any) -> Any:
            anyio.from_thread.run_sync(started.set, token=token)
            anyio.from_thread.run(release.wait, token=token)
            return super().__call__(image, **kwargs)

    settings = make_settings(max_concurrency=1, max_queue=0)
    async with api_client(settings, SlowReader()) as client, anyio.create_task_group() as tg:
        results: list[dict[str, Any]] = []

        async def first() -> None:
            results.append((await post(client, json_body(ImageBase64=IMAGE)))[1])

        tg.start_soon(first)
        await started.wait()
        _, second = await post(client, json_body(ImageBase64=IMAGE))
        assert second["Error"]["Code"] == "RequestLimitExceeded"
        release.set()
    assert results[0]["Name"] == "李明"


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}
