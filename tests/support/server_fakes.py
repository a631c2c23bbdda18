"""A scripted reader and request signers built on the SDK's own `Sign`, not on our code."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tencentcloud.common.sign import Sign

from idcard_ocr.result import Alarm, AlarmKind, CardSide, IdCardResult

SECRET_ID = "AKIDtestTESTtestTESTtestTESTtestTEST"
SECRET_KEY = "testSecretKeytestSecretKey123456"
ACTION = "RecognizeMainlandIDCardOCR"
VERSION = "2018-11-19"
REGION = "ap-singapore"

FRONT = IdCardResult(
    name="李明",
    sex="男",
    nation="汉",
    birth="1990/3/17",
    address="浙江省杭州市西湖区文三路100号",
    id_num="330106199003170011",
    alarms=(
        Alarm(AlarmKind.INCOMPLETE_BORDER, 0.9, raised=True),
        Alarm(AlarmKind.BLURRY, 0.8, raised=True),
        Alarm(AlarmKind.REFLECTIVE, 0.1, raised=False),
    ),
    portrait_jpeg=b"\xff\xd8portrait",
    card_jpeg=b"\xff\xd8card",
    sides=(CardSide.FRONT,),
)


@dataclass
class FakeReader:
    """Returns `result`, or raises `error`; records every call's arguments."""

    result: IdCardResult = FRONT
    error: BaseException | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(
        self,
        image: bytes,
        *,
        card_side: CardSide | None,
        crop_portrait: bool,
        crop_id_card: bool,
        thresholds: Mapping[AlarmKind, float] | None,
    ) -> IdCardResult:
        self.calls.append(
            {
                "image": image,
                "card_side": card_side,
                "crop_portrait": crop_portrait,
                "thresholds": thresholds,
                "crop_id_card": crop_id_card,
            }
        )
        if self.error is not None:
            raise self.error
        return self.result


def tc3_headers(
    body: bytes,
    *,
    host: str = "testserver",
    method: str = "POST",
    query: str = "",
    secret_id: str = SECRET_ID,
    secret_key: str = SECRET_KEY,
    action: str = ACTION,
    version: str = VERSION,
    region: str | None = REGION,
    timestamp: int | None = None,
    language: str | None = None,
) -> dict[str, str]:
    """Headers exactly as SDK 3.1.193 builds them (content-type;host signed)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    content_type = "application/json" if method == "POST" else "application/x-www-form-urlencoded"
    payload = b"" if method == "GET" else body
    canonical = "\n".join(
        [
            method,
            "/",
            query if method == "GET" else "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/ocr/tc3_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    signature = Sign.sign_tc3(
        secret_key, date, "ocr", f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{digest}"
    )
    headers = {
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(timestamp),
        "Authorization": f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}",
    }
    if region is not None:
        headers["X-TC-Region"] = region
    if language is not None:
        headers["X-TC-Language"] = language
    return headers


def v1_form(
    params: dict[str, Any],
    *,
    host: str = "testserver",
    method: str = "POST",
    sign_method: str = "HmacSHA256",
    secret_key: str = SECRET_KEY,
    nonce: int | None = None,
    timestamp: int | None = None,
) -> str:
    """A urlencoded v1 request the way the SDK's `_build_req_with_old_signature` makes it."""
    full = {
        **params,
        "Action": ACTION,
        "Nonce": random.randint(1, 2**62) if nonce is None else nonce,
        "Timestamp": int(time.time()) if timestamp is None else timestamp,
        "Version": VERSION,
        "Region": REGION,
        "SecretId": SECRET_ID,
        "SignatureMethod": sign_method,
    }
    items = sorted((k.replace("_", "."), v) for k, v in full.items())
    to_sign = f"{method}{host}/?" + "&".join(f"{k}={v}" for k, v in items)
    full["Signature"] = Sign.sign(secret_key, to_sign, sign_method)
    return urlencode(full)


def json_body(**params: Any) -> bytes:
    return json.dumps(params).encode()


def is_uuid4(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4
    except ValueError:
        return False
