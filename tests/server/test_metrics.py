"""/metrics, /readyz and /healthz, in-process with the scripted reader."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import api_client, make_settings
from server_fakes import FakeReader, json_body, tc3_headers

pytestmark = pytest.mark.anyio

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition, keyed by name and label set."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


async def call(client: httpx.AsyncClient, **sign: str) -> None:
    body = json_body(ImageBase64=IMAGE)
    await client.post("/", content=body, headers=tc3_headers(body, **sign))


async def test_counters_move_after_requests(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    await call(client)
    await call(client)
    await call(client, secret_key="wrong")
    await call(client, action="NoSuchAction")
    await client.post("/web/recognize", json={"ImageBase64": IMAGE})
    after = await scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    api_ok = {"endpoint": "api", "action": "RecognizeMainlandIDCardOCR"}
    assert moved("idcard_ocr_requests_total", **api_ok, code="Success") == 2
    assert moved("idcard_ocr_requests_total", **api_ok, code="AuthFailure.SignatureFailure") == 1
    # A client-chosen action name must not become a label value of its own.
    assert moved("idcard_ocr_requests_total", endpoint="api", action="other", code="Success") == 0
    assert moved("idcard_ocr_requests_total", endpoint="web", action=api_ok["action"],
                 code="Success") == 1  # fmt: skip
    assert moved("idcard_ocr_request_duration_seconds_count", **api_ok) == 3
    # The scripted result raises two alarms each time (incomplete border, blurry), not glare.
    assert moved("idcard_ocr_alarms_raised_total", alarm="incomplete_border") == 3
    assert moved("idcard_ocr_alarms_raised_total", alarm="blurry") == 3
    assert moved("idcard_ocr_alarms_raised_total", alarm="reflective") == 0
    assert value(after, "idcard_ocr_queue_depth") == 0
    assert value(after, "idcard_ocr_ready") == 1


async def test_unknown_actions_share_one_label(client: httpx.AsyncClient) -> None:
    await call(client, action="Scan1")
    await call(client, action="Scan2")
    scraped = await scrape(client)
    labels = {
        dict(key[1]).get("action") for key in scraped if key[0] == "idcard_ocr_requests_total"
    }
    assert labels == {"other"}
    assert value(scraped, "idcard_ocr_requests_total", endpoint="api", action="other",
                 code="InvalidAction") == 2  # fmt: skip


async def test_each_app_counts_alone(reader: FakeReader) -> None:
    async with (
        api_client(make_settings(), reader) as first,
        api_client(make_settings(), reader) as second,
    ):
        await call(first)
        assert value(await scrape(second), "idcard_ocr_requests_total", endpoint="api",
                     action="RecognizeMainlandIDCardOCR", code="Success") == 0  # fmt: skip


@dataclass
class WarmingReader(FakeReader):
    loaded: bool = False

    def ready(self) -> bool:
        return self.loaded


async def test_readyz_waits_for_the_models() -> None:
    reader = WarmingReader()
    async with api_client(make_settings(), reader) as client:
        assert (await client.get("/healthz")).status_code == 200  # alive while loading
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert value(await scrape(client), "idcard_ocr_ready") == 0
        reader.loaded = True
        response = await client.get("/readyz")
        assert response.status_code == 200 and response.json() == {"status": "ready"}


async def test_plain_reader_is_ready_at_once(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).json() == {"status": "ready"}
