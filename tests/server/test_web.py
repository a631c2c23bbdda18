"""The web page and its unsigned endpoint, in-process with the scripted reader."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import httpx
import pytest

import idcard_ocr.server
from conftest import api_client, make_settings
from server_fakes import FRONT, FakeReader, json_body, tc3_headers

pytestmark = pytest.mark.anyio

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()
STATIC = Path(idcard_ocr.server.__file__).parent / "static"


async def test_browser_get_of_root_is_the_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert 'capture="environment"' in response.text
    for asset, kind in (("app.js", "javascript"), ("style.css", "text/css")):
        served = await client.get(f"/static/{asset}")
        assert served.status_code == 200 and kind in served.headers["content-type"]


def test_assets_name_no_other_host() -> None:
    for asset in STATIC.iterdir():
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", asset.read_text()), asset


async def test_api_calls_to_root_are_untouched(client: httpx.AsyncClient) -> None:
    query = "ImageBase64=" + IMAGE.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    headers = tc3_headers(b"", method="GET", query=query)
    response = await client.get("/?" + query, headers=headers)
    assert response.json()["Response"]["Name"] == "李明"
    body = json_body(ImageBase64=IMAGE)
    response = await client.post("/", content=body, headers=tc3_headers(body))
    assert response.json()["Response"]["Name"] == "李明"


async def test_web_endpoint_answers_like_the_api_with_everything(
    client: httpx.AsyncClient, reader: FakeReader
) -> None:
    response = await client.post("/web/recognize", json={"ImageBase64": IMAGE, "CardSide": "FRONT"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    payload = response.json()["Response"]
    assert payload["IdNum"] == FRONT.id_num and payload["WarnCardInfos"] == [-9101, -9108]
    assert base64.b64decode(payload["PortraitImage"]) == FRONT.portrait_jpeg
    assert base64.b64decode(payload["IdCardImage"]) == FRONT.card_jpeg
    assert {"Fields", "Alarms", "Checks", "TimingsMs"} <= set(payload["Details"])
    [call] = reader.calls
    assert call["crop_portrait"] and call["crop_id_card"] and call["card_side"] == "FRONT"


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b'{"ImageBase64": "aGk=", "CropPortrait": false}', "application/json", "UnknownParameter"),
        (b'{"ImageBase64": "aGk="}', "text/plain", "InvalidParameter"),
        (b"[1]", "application/json", "InvalidParameter"),
        (b"{}", "application/json", "MissingParameter"),
        (b'{"ImageBase64": "aGk=", "CardSide": "SIDE"}', "application/json",
         "InvalidParameterValue.InvalidParameterValueLimit"),
    ],
)  # fmt: skip
async def test_web_endpoint_refuses_what_the_page_never_sends(
    client: httpx.AsyncClient, content: bytes, content_type: str, code: str
) -> None:
    response = await client.post(
        "/web/recognize", content=content, headers={"Content-Type": content_type}
    )
    assert response.json()["Response"]["Error"]["Code"] == code


async def test_disabled_page_and_endpoint_do_not_exist(reader: FakeReader) -> None:
    async with api_client(make_settings(web_page_enabled=False), reader) as client:
        response = await client.get("/", headers={"Accept": "text/html"})
        assert response.json()["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"
        assert (await client.post("/web/recognize", json={"ImageBase64": IMAGE})).status_code == 404
        assert (await client.get("/static/app.js")).status_code == 404
    assert reader.calls == []
