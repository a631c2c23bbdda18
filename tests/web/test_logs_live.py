"""The log output of a real recognition holds its RequestId and SecretId, not the card."""

from __future__ import annotations

import base64
import io
import json
import logging

import httpx

from cards import posed_photo
from idcard_ocr.logs import configure_logging
from live_server import LiveServer
from server_fakes import SECRET_ID, json_body, tc3_headers

SEED = 6062


def test_logs_of_a_real_card_hold_neither_name_nor_id_number(live: LiveServer) -> None:
    card = posed_photo(SEED, "FRONT", angle=-4.0)
    body = json_body(ImageBase64=base64.b64encode(card.jpeg).decode())
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)  # DEBUG: whatever any module says, it is read here
    try:
        response = httpx.post(
            live.url + "/", content=body, headers=tc3_headers(body, host=live.endpoint), timeout=60
        ).json()["Response"]
    finally:
        root.handlers[:], root.level = saved
    assert response["IdNum"] == card.expected["IdNum"]  # the card was read: there was a risk
    output = stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    [access] = [line for line in lines if line.get("request_id") == response["RequestId"]]
    assert access["secret_id"] == SECRET_ID and access["code"] == "Success"
    for secret in (card.expected["Name"], card.expected["IdNum"], card.expected["Address"]):
        assert secret not in output
