"""The web page in real headless Chromium against the real pipeline.

Keeps `artifacts/web-page.png` and `web-page-en.png`, screenshots of the page after reading a
generated card, in Chinese and in English.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from cards import posed_photo
from live_server import LiveServer

SEED = 6061
TIMEOUT_MS = 60_000  # one recognition is about a second; generous for a loaded CI machine


def read_card(page: Page, url: str, photo: Path) -> None:
    page.goto(url)
    page.set_input_files("#file", str(photo))
    expect(page.locator("#status")).to_have_text("完成", timeout=TIMEOUT_MS)


def test_page_reads_an_uploaded_card(
    live: LiveServer, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    card = posed_photo(SEED, "FRONT", angle=6.0, tilt=(8.0, 0.0))
    photo = tmp_path / "card.jpg"
    photo.write_bytes(card.jpeg)
    requested: list[str] = []
    with browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}) as context:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        read_card(page, live.url + "/", photo)

        for key in ("Name", "Sex", "Nation", "Birth", "Address", "IdNum"):
            expect(page.locator(f'[data-field="{key}"] .value')).to_have_text(card.expected[key])
        for crop in ("#card-image", "#portrait-image"):
            expect(page.locator(crop)).to_have_attribute("src", re.compile("^data:image/jpeg"))
        assert page.locator("#checks li.pass").count() >= 3
        expect(page.locator('[data-timing="server"] .num')).to_have_text(re.compile(r"^\d+\.\d$"))
        page.screenshot(path=str(artifacts / "web-page.png"), full_page=True)

        page.click("#copy")
        copied = json.loads(page.evaluate("navigator.clipboard.readText()"))["Response"]
        assert copied["IdNum"] == card.expected["IdNum"] and copied["Details"]["Fields"]

        page.click("#lang")
        expect(page.locator("h1")).to_have_text("ID card OCR")
        expect(page.locator('[data-field="IdNum"] td').first).to_have_text("ID number")
        page.screenshot(path=str(artifacts / "web-page-en.png"), full_page=True)
    assert requested and all(url.startswith(live.url + "/") for url in requested), requested
