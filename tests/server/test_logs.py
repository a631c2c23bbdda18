"""JSON access logs with RequestId and SecretId, and the masks for personal data."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from idcard_ocr.logs import configure_logging, mask_id_number, mask_name, redact
from server_fakes import FRONT, SECRET_ID, json_body, tc3_headers

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The root logger sends JSON lines here during the test, then gets its handlers back."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = saved[0], saved[1]


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_masks() -> None:
    assert mask_id_number("440106199003170011") == "4401**********0011"
    assert mask_id_number("44010619900317001X") == "4401**********001X"
    assert mask_name("李明") == "李*" and mask_name("欧阳娜娜") == "欧***" and mask_name("") == ""
    assert redact("id 440106199003170011 seen") == "id 4401**********0011 seen"
    assert redact("RequestId 123e4567-e89b-42d3-a456-426614174000") == (
        "RequestId 123e4567-e89b-42d3-a456-426614174000"
    )


def test_a_stray_id_number_is_masked_in_any_log_line(log_stream: io.StringIO) -> None:
    logging.getLogger("somewhere").warning("could not parse %s", "110101199003070514")
    [line] = lines(log_stream)
    assert line["message"] == "could not parse 1101**********0514"
    assert line["level"] == "WARNING" and line["logger"] == "somewhere"


@pytest.mark.anyio
async def test_access_line_is_json_with_ids_and_no_card_data(
    client: httpx.AsyncClient, log_stream: io.StringIO
) -> None:
    body = json_body(ImageBase64=IMAGE)
    response = await client.post("/", content=body, headers=tc3_headers(body))
    request_id = response.json()["Response"]["RequestId"]
    [line] = [entry for entry in lines(log_stream) if entry.get("request_id") == request_id]
    assert line["secret_id"] == SECRET_ID and line["code"] == "Success"
    assert line["action"] == "RecognizeMainlandIDCardOCR" and line["endpoint"] == "api"
    assert isinstance(line["latency_ms"], float)
    text = log_stream.getvalue()
    for secret in (FRONT.name, FRONT.id_num, FRONT.address, IMAGE):
        assert secret not in text
