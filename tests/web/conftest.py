"""The real recognizer behind a live server, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from idcard_ocr import Recognizer
from idcard_ocr.config import Settings
from live_server import LiveServer
from server_fakes import SECRET_ID, SECRET_KEY

CHROMIUM = Path("/usr/bin/chromium")
# Offline, sandbox-free headless: without the networking flags Chromium keeps dialing
# Google's hosts, which this machine refuses. Never `playwright install`: Debian's build only.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing (setup.sh dev does it too)."""
    if not CHROMIUM.exists() and shutil.which("apt-get"):
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-microhei"],
        ):
            subprocess.run(command, check=True, capture_output=True, timeout=900)
    assert CHROMIUM.exists(), "the browser test needs Debian's chromium (apt-get install chromium)"
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live() -> Iterator[LiveServer]:
    settings = Settings(keys={SECRET_ID: SECRET_KEY}, rate_limit_per_second=1000)
    with LiveServer(settings, Recognizer()) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
