"""scripts/tc3_headers.py, the README's curl helper: its headers pass our authentication."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from server_fakes import SECRET_ID, SECRET_KEY

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "tc3_headers.py"


def load_helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tc3_headers", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_matches_the_api_md_vector() -> None:
    body = b'{"ImageBase64": "aGVsbG8=", "CardSide": "FRONT", "CropPortrait": true}'
    headers = load_helper().tc3_headers(
        body, host="127.0.0.1:8901", secret_id="AKIDEXAMPLE", secret_key="SECRETEXAMPLE",
        timestamp=1795527117,
    )  # fmt: skip
    assert headers["Authorization"].endswith(
        "Signature=0054f498ea7d4fea405ccdc09602029ee4de9286e175333d29b82d7764f68f89"
    )


@pytest.mark.anyio
async def test_a_signed_call_succeeds(client: httpx.AsyncClient) -> None:
    body = json.dumps({"ImageBase64": base64.b64encode(b"\xff\xd8 jpeg").decode()}).encode()
    headers = load_helper().tc3_headers(
        body, host="testserver", secret_id=SECRET_ID, secret_key=SECRET_KEY
    )
    response = await client.post("/", content=body, headers=headers)
    assert response.json()["Response"]["Name"] == "李明"
