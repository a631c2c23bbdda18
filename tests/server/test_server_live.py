"""Over real HTTP: the official SDK (TC3, HmacSHA256, HmacSHA1, GET) and tccli."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models, ocr_client

from conftest import make_settings
from idcard_ocr.errors import NoIdCard
from live_server import LiveServer
from server_fakes import FRONT, REGION, SECRET_ID, SECRET_KEY, FakeReader

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()
TCCLI = Path(sys.executable).with_name("tccli")


@pytest.fixture(scope="module")
def reader() -> FakeReader:
    return FakeReader()


@pytest.fixture(scope="module")
def server(reader: FakeReader) -> Iterator[LiveServer]:
    with LiveServer(make_settings(), reader) as live:
        yield live


def sdk_client(
    server: LiveServer,
    sign_method: str | None = None,
    secret_key: str = SECRET_KEY,
    *,
    unsigned_payload: bool = False,
    req_method: str = "POST",
) -> ocr_client.OcrClient:
    http = HttpProfile(protocol="http", endpoint=server.endpoint, reqMethod=req_method)
    profile = ClientProfile(signMethod=sign_method, httpProfile=http)
    profile.unsignedPayload = unsigned_payload
    return ocr_client.OcrClient(credential.Credential(SECRET_ID, secret_key), REGION, profile)


def recognize(client: ocr_client.OcrClient) -> models.RecognizeMainlandIDCardOCRResponse:
    request = models.RecognizeMainlandIDCardOCRRequest()
    request.ImageBase64 = IMAGE
    request.CardSide = "FRONT"
    request.CropPortrait = True
    request.CropIdCard = False
    return client.RecognizeMainlandIDCardOCR(request)


@pytest.mark.parametrize(
    ("sign_method", "req_method"),
    [
        (None, "POST"),
        (None, "GET"),
        ("HmacSHA256", "POST"),
        ("HmacSHA1", "POST"),
        ("HmacSHA256", "GET"),
    ],
)
def test_sdk_calls(
    server: LiveServer, reader: FakeReader, sign_method: str | None, req_method: str
) -> None:
    reader.calls.clear()
    response = recognize(sdk_client(server, sign_method, req_method=req_method))
    assert response.Name == FRONT.name and response.IdNum == FRONT.id_num
    assert response.Sex == "男" and response.Address == FRONT.address
    assert response.WarnCardInfos == [-9101, -9108]
    assert base64.b64decode(response.PortraitImage) == FRONT.portrait_jpeg
    assert len(response.RequestId) == 36
    [call] = reader.calls
    assert call["crop_portrait"] is True and call["crop_id_card"] is False


def test_sdk_unsigned_payload(server: LiveServer) -> None:
    response = recognize(sdk_client(server, unsigned_payload=True))
    assert response.Name == FRONT.name


def test_sdk_sees_wrong_key_as_signature_failure(server: LiveServer) -> None:
    with pytest.raises(TencentCloudSDKException) as info:
        recognize(sdk_client(server, secret_key="not-the-key"))
    assert info.value.get_code() == "AuthFailure.SignatureFailure"
    assert info.value.get_request_id()


def test_sdk_sees_business_errors() -> None:
    with (
        LiveServer(make_settings(), FakeReader(error=NoIdCard("no card found"))) as live,
        pytest.raises(TencentCloudSDKException) as info,
    ):
        recognize(sdk_client(live))
    assert info.value.get_code() == "FailedOperation.ImageNoIdCard"
    assert info.value.get_message() == "no card found"


def test_tccli(server: LiveServer, reader: FakeReader, tmp_path: Path) -> None:
    reader.calls.clear()
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", ""), "NO_PROXY": "*"}
    command = [
        str(TCCLI),
        "ocr",
        "RecognizeMainlandIDCardOCR",
        "--endpoint", server.url,
        "--region", REGION,
        "--secretId", SECRET_ID,
        "--secretKey", SECRET_KEY,
        "--ImageBase64", IMAGE,
        "--CropPortrait", "True",
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["Name"] == FRONT.name and output["IdNum"] == FRONT.id_num
    assert reader.calls[0]["crop_portrait"] is True  # tccli turns "True" into JSON true
    assert (tmp_path / ".tccli").is_dir()  # its log and configure files stayed in the temp HOME
