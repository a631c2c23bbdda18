"""Keys added to and revoked from the keys file take effect without a restart."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import httpx
import pytest

from conftest import api_client, make_settings
from idcard_ocr.config import SettingsError, load_settings
from idcard_ocr.server.keys import KeyStore
from server_fakes import FakeReader, json_body, tc3_headers

IMAGE = base64.b64encode(b"\xff\xd8\xff\xe0 fake jpeg").decode()
ALICE = ("AKIDalice000000000000000000000000000", "alice-secret-key-0000000000000000")
BOB = ("AKIDbob00000000000000000000000000000", "bob-secret-key-00000000000000000000")


def write_keys(path: Path, *pairs: tuple[str, str]) -> None:
    path.write_text("# SecretId:SecretKey\n" + "".join(f"{i}:{k}\n" for i, k in pairs))


async def code_for(client: httpx.AsyncClient, pair: tuple[str, str]) -> str:
    body = json_body(ImageBase64=IMAGE)
    headers = tc3_headers(body, secret_id=pair[0], secret_key=pair[1])
    response = (await client.post("/", content=body, headers=headers)).json()["Response"]
    return str(response.get("Error", {}).get("Code", "Success"))


@pytest.mark.anyio
async def test_keys_file_is_reloaded_without_restart(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    write_keys(path, ALICE)
    settings = make_settings(keys={}, keys_file=path, keys_file_check_seconds=0)
    async with api_client(settings, FakeReader()) as client:
        assert await code_for(client, ALICE) == "Success"
        assert await code_for(client, BOB) == "AuthFailure.SecretIdNotFound"
        write_keys(path, ALICE, BOB)  # added
        assert await code_for(client, BOB) == "Success"
        write_keys(path, BOB)  # revoked
        assert await code_for(client, ALICE) == "AuthFailure.SecretIdNotFound"
        assert await code_for(client, BOB) == "Success"


def test_file_is_looked_at_once_per_interval(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    write_keys(path, ALICE)
    now = [100.0]
    store = KeyStore({}, path, check_seconds=1.0, clock=lambda: now[0])
    write_keys(path, ALICE, BOB)
    assert store(BOB[0]) is None  # checked at start, less than a second ago
    now[0] += 1.0
    assert store(BOB[0]) == BOB[1]


def test_broken_edit_keeps_the_last_keys(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "keys.txt"
    write_keys(path, ALICE)
    store = KeyStore({"AKIDstatic": "static-key"}, path, check_seconds=0)
    path.write_text(f"{ALICE[0]} {ALICE[1]}\n")  # no colon: a half-finished edit
    with caplog.at_level(logging.WARNING):
        assert store(ALICE[0]) == ALICE[1]
    assert "keys.txt:1" in caplog.text and ALICE[1] not in caplog.text
    path.unlink()
    assert store(ALICE[0]) == ALICE[1]
    assert store("AKIDstatic") == "static-key"  # keys from the settings stay


def test_settings_with_a_keys_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.txt"
    write_keys(path)
    settings = load_settings(None, {"IDCARD_OCR_KEYS_FILE": str(path)})
    assert settings.demo_keys is False and settings.keys == {}  # keys may come later
    with pytest.raises(SettingsError, match="keys file"):
        load_settings(None, {"IDCARD_OCR_KEYS_FILE": str(tmp_path / "missing.txt")})
