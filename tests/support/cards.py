"""Synthetic test images for the end-to-end tests, made fresh from fixed seeds."""

from __future__ import annotations

import base64
import dataclasses
import random

import cv2
import numpy as np

from idcard_synth.identity import Identity, random_identity, tencent_fields
from idcard_synth.photo import PhotoSample, make_photo
from idcard_synth.render import flat_image, render_card

FRONT_KEYS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum")
BACK_KEYS = ("Authority", "ValidDate")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def png(image: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(".png", image)
    assert ok
    return bytes(buffer)


def jpeg(image_bytes: bytes, quality: int = 90) -> bytes:
    pixels = cv2.imdecode(np.frombuffer(image_bytes, np.uint8), cv2.IMREAD_COLOR)
    ok, buffer = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(buffer)


def flat_card(seed: int, side: str, width: int = 1200) -> tuple[bytes, dict[str, str]]:
    """A flat card image and the fields Tencent would return for it."""
    rng = random.Random(seed)
    identity = random_identity(rng)
    return _flat(identity, side, width, rng)


def _flat(
    identity: Identity, side: str, width: int, rng: random.Random
) -> tuple[bytes, dict[str, str]]:
    image = flat_image(render_card(identity, side, rng), width, rng)
    keys = FRONT_KEYS if side == "FRONT" else BACK_KEYS
    return png(image), {k: tencent_fields(identity)[k] for k in keys}


def forged_front(seed: int) -> bytes:
    """A front whose ID number has a wrong check digit: no real card looks like this."""
    rng = random.Random(seed)
    identity = random_identity(rng)
    last = "0" if identity.id_num[-1] != "0" else "1"
    forged = dataclasses.replace(identity, id_num=identity.id_num[:-1] + last)
    return _flat(forged, "FRONT", 1400, rng)[0]


def photo(seed: int, category: str) -> PhotoSample:
    return make_photo(random.Random(seed), category)


def expected_fields(sample: PhotoSample) -> dict[str, str]:
    expected: dict[str, str] = {}
    for card in sample.cards:
        keys = FRONT_KEYS if card.side == "FRONT" else BACK_KEYS
        expected.update({k: tencent_fields(card.identity)[k] for k in keys})
    return expected
