"""The mainland action IDCardOCR through the official mainland SDK (its own environment)."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from cards import b64, flat_card
from live_server import LiveServer
from server_fakes import SECRET_ID, SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
MAINLAND_PYTHON = ROOT / ".venv-mainland" / "bin" / "python"
CLIENT = ROOT / "tests" / "support" / "mainland_client.py"


def idcard_ocr(live: LiveServer, **params: object) -> dict[str, Any]:
    if not MAINLAND_PYTHON.exists():
        pytest.fail("the mainland SDK environment is missing: run scripts/setup.sh dev")
    call = {
        "endpoint": live.endpoint,
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "region": "ap-guangzhou",
        "params": params,
    }
    done = subprocess.run(
        [str(MAINLAND_PYTHON), str(CLIENT)],
        input=json.dumps(call),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def decoded(payload: object) -> np.ndarray:
    assert isinstance(payload, str) and payload
    image = cv2.imdecode(np.frombuffer(base64.b64decode(payload), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def test_front_with_crops_quality_and_border(live: LiveServer) -> None:
    image, expected = flat_card(61, "FRONT")
    config = {"CropIdCard": True, "CropPortrait": True, "Quality": True, "BorderCheckWarn": True}
    answer = idcard_ocr(live, ImageBase64=b64(image), Config=json.dumps(config))
    assert {k: answer[k] for k in expected} == expected
    assert isinstance(answer["AdvancedInfo"], str)
    info = json.loads(answer["AdvancedInfo"])
    card, portrait = decoded(info["IdCard"]), decoded(info["Portrait"])
    assert card.shape[1] > card.shape[0] and portrait.shape[0] > portrait.shape[1]
    assert 50 <= info["Quality"] <= 100 and 0 <= info["BorderCodeValue"] <= 100
    assert "WarnInfos" not in info  # a clean card raises nothing


def grey_copy(image: bytes) -> bytes:
    """The card as a black-and-white copier renders it."""
    color = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(cv2.cvtColor(color, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    ok, encoded = cv2.imencode(".png", gray)
    assert ok
    return encoded.tobytes()


def test_black_and_white_copy_warns_as_copy_and_as_bw_copy(live: LiveServer) -> None:
    image, expected = flat_card(62, "BACK")
    answer = idcard_ocr(live, ImageBase64=b64(grey_copy(image)), Config='{"CopyWarn": true}')
    assert answer["Authority"] == expected["Authority"]
    assert isinstance(answer["AdvancedInfo"], str)
    assert json.loads(answer["AdvancedInfo"])["WarnInfos"] == [-9102, -9108]


def test_warnings_need_their_config_flag(live: LiveServer) -> None:
    image, _ = flat_card(62, "BACK")
    answer = idcard_ocr(live, ImageBase64=b64(grey_copy(image)))
    assert answer["AdvancedInfo"] == "{}"


@pytest.mark.parametrize("config", ["{not json", "[true]", '{"CopyWarn": "yes"}', '{"Nope": true}'])
def test_bad_config_is_a_config_format_error(live: LiveServer, config: str) -> None:
    image, _ = flat_card(61, "FRONT")
    answer = idcard_ocr(live, ImageBase64=b64(image), Config=config)
    assert answer["Error"]["Code"] == "InvalidParameter.ConfigFormatError"
    assert "Config" in answer["Error"]["Message"]
