"""No network at run time: loading the models and reading a card open no connection and
write nothing to the user's home (ONNX Runtime queues usage events there for upload to
Microsoft unless told not to)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cards import flat_card

# Runs in a fresh interpreter, so that every import happens under the audit hook.
READ_UNDER_WATCH = """
import sys
NETWORK = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"}
seen = []
sys.addaudithook(lambda event, args: seen.append((event, args)) if event in NETWORK else None)
import idcard_ocr
result = idcard_ocr.recognize(open(sys.argv[1], "rb").read())
print(result.name)
print(seen)
"""


def test_reading_a_card_opens_no_connection_and_leaves_home_alone(tmp_path: Path) -> None:
    image, expected = flat_card(7, "FRONT")
    photo = tmp_path / "card.png"
    photo.write_bytes(image)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "HOME")} | {"HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", READ_UNDER_WATCH, str(photo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    name, network = done.stdout.splitlines()[-2:]
    assert name == expected["Name"]
    assert network == "[]"
    assert list(home.iterdir()) == []
