"""Flat generated cards through the real server, called with the official SDK and tccli."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.ocr.v20181119 import models, ocr_client

from cards import ALL_KEYS, b64, flat_card, forged_front, jpeg, sdk_call
from live_server import LiveServer
from server_fakes import SECRET_ID, SECRET_KEY


def error_code(client: ocr_client.OcrClient, image: bytes, **params: object) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_call(client, image, **params)
    return str(caught.value.get_code())


@pytest.mark.parametrize(
    ("seed", "side", "width"),
    [
        (11, "FRONT", 600),
        (12, "FRONT", 1100),
        (13, "FRONT", 1900),
        (14, "BACK", 700),
        (15, "BACK", 1600),
    ],
)
def test_every_field_exact(sdk: ocr_client.OcrClient, seed: int, side: str, width: int) -> None:
    image, expected = flat_card(seed, side, width)
    response = sdk_call(sdk, image, CardSide=side)
    shown = {k: response[k] for k in ALL_KEYS if response[k]}
    assert shown == expected
    assert response["WarnCardInfos"] == []


def test_side_detected_when_not_given(sdk: ocr_client.OcrClient) -> None:
    image, expected = flat_card(21, "BACK")
    response = sdk_call(sdk, image)
    assert {k: response[k] for k in expected} == expected
    assert response["Name"] == ""


def test_crops_are_jpeg(sdk: ocr_client.OcrClient) -> None:
    image, _ = flat_card(22, "FRONT")
    response = sdk_call(sdk, image, CropPortrait=True, CropIdCard=True)
    for key in ("PortraitImage", "IdCardImage"):
        assert str(response[key]).startswith("/9j/")  # base64 of the JPEG magic bytes


def test_tccli(live: LiveServer, tmp_path: Path) -> None:
    # One command-line argument may hold at most 128 KiB: a small JPEG of the card.
    png_image, expected = flat_card(23, "FRONT", width=800)
    image = jpeg(png_image, quality=75)
    tccli = Path(sys.executable).with_name("tccli")
    completed = subprocess.run(
        [
            str(tccli),
            "ocr",
            "RecognizeMainlandIDCardOCR",
            "--endpoint",
            live.url,
            "--region",
            "ap-singapore",
            "--secretId",
            SECRET_ID,
            "--secretKey",
            SECRET_KEY,
            "--ImageBase64",
            b64(image),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stderr
    response = json.loads(completed.stdout)
    assert {k: response[k] for k in expected} == expected


def test_card_side_error(sdk: ocr_client.OcrClient) -> None:
    image, _ = flat_card(24, "FRONT")
    assert error_code(sdk, image, CardSide="BACK") == "FailedOperation.CardSideError"


def test_impossible_card_is_illegal(sdk: ocr_client.OcrClient) -> None:
    assert error_code(sdk, forged_front(25)) == "FailedOperation.IdCardInfoIllegal"


def test_no_card(sdk: ocr_client.OcrClient) -> None:
    from skimage import data

    from cards import png

    coffee = png(data.coffee()[:, :, ::-1].copy())
    assert error_code(sdk, coffee) == "FailedOperation.ImageNoIdCard"


@pytest.mark.parametrize(
    ("image", "code"),
    [
        (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00"
            b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "FailedOperation.ImageDecodeFailed",
        ),
        (b"not an image at all", "FailedOperation.ImageDecodeFailed"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "FailedOperation.ImageDecodeFailed"),
        (b"x" * (6 * 1024 * 1024), "FailedOperation.ImageSizeTooLarge"),
    ],
)
def test_bad_images(sdk: ocr_client.OcrClient, image: bytes, code: str) -> None:
    assert error_code(sdk, image) == code


def test_image_url_to_loopback_refused(sdk: ocr_client.OcrClient, live: LiveServer) -> None:
    request = models.RecognizeMainlandIDCardOCRRequest()
    request.ImageUrl = f"{live.url}/healthz"
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.RecognizeMainlandIDCardOCR(request)
    assert caught.value.get_code() == "FailedOperation.DownLoadError"


def test_card_side_out_of_range(sdk: ocr_client.OcrClient) -> None:
    image, _ = flat_card(26, "FRONT")
    code = error_code(sdk, image, CardSide="LEFT")
    assert code == "InvalidParameterValue.InvalidParameterValueLimit"
