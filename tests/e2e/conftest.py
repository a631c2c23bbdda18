"""Fixtures for end-to-end tests: the real recognizer behind the real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import ocr_client

from idcard_ocr import Recognizer
from idcard_ocr.config import Settings
from live_server import LiveServer
from server_fakes import REGION, SECRET_ID, SECRET_KEY


@pytest.fixture(scope="session")
def recognizer() -> Recognizer:
    return Recognizer()


@pytest.fixture(scope="session")
def live(recognizer: Recognizer) -> Iterator[LiveServer]:
    settings = Settings(keys={SECRET_ID: SECRET_KEY}, rate_limit_per_second=1000)
    with LiveServer(settings, recognizer) as server:
        yield server


@pytest.fixture(scope="session")
def sdk(live: LiveServer) -> ocr_client.OcrClient:
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=live.endpoint))
    return ocr_client.OcrClient(credential.Credential(SECRET_ID, SECRET_KEY), REGION, profile)
