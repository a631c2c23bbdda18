"""Fixtures for the server tests: settings with a known key, a scripted reader, clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from idcard_ocr.config import Settings
from idcard_ocr.server import CardReader, create_app
from server_fakes import SECRET_ID, SECRET_KEY, FakeReader


def make_settings(**overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "keys": {SECRET_ID: SECRET_KEY},
        "rate_limit_per_second": 1000,
        "max_concurrency": 2,
        "max_queue": 4,
    }
    return Settings(**(base | overrides))


def api_client(settings: Settings, reader: CardReader) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings, reader))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
def reader() -> FakeReader:
    return FakeReader()


@pytest.fixture
async def client(reader: FakeReader) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(make_settings(), reader) as client:
        yield client
