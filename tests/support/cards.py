"""Synthetic test images for the end-to-end tests, made fresh from fixed seeds."""

from __future__ import annotations

import base64
import dataclasses
import json
import random

import cv2
import numpy as np
from tencentcloud.ocr.v20181119 import models, ocr_client

from idcard_synth.identity import Identity, random_identity, tencent_fields
from idcard_synth.photo import PhotoSample, make_photo
from idcard_synth.render import flat_image, render_card

ALL_KEYS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum", "Authority", "ValidDate")
FRONT_KEYS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum")
BACK_KEYS = ("Authority", "ValidDate")


def sdk_call(client: ocr_client.OcrClient, image: bytes, **params: object) -> dict[str, object]:
    """RecognizeMainlandIDCardOCR through the official SDK; the response as a dict."""
    request = models.RecognizeMainlandIDCardOCRRequest()
    request.from_json_string(json.dumps({"ImageBase64": b64(image), **params}))
    return dict(json.loads(client.RecognizeMainlandIDCardOCR(request).to_json_string()))


def shown(response: dict[str, object]) -> dict[str, object]:
    """The text fields the response filled."""
    return {k: response[k] for k in ALL_KEYS if response[k]}


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


@dataclasses.dataclass(frozen=True)
class PosedPhoto:
    jpeg: bytes
    expected: dict[str, str]
    quad: np.ndarray
    portrait_quad: np.ndarray | None


def posed_photo(
    seed: int, side: str, angle: float, tilt: tuple[float, float] = (0.0, 0.0)
) -> PosedPhoto:
    """One card at a chosen in-plane angle (degrees, clockwise) and tilt on a textured desk."""
    from idcard_synth.scene import box_corners, card_quad, encode_jpeg, map_points, place, warp_card
    from idcard_synth.textures import BACKGROUNDS

    rng = random.Random(seed)
    identity = random_identity(rng)
    card = render_card(identity, side, rng)
    frame = (1600, 1200)
    size = (card.alpha.shape[1], card.alpha.shape[0])
    [quad] = place([card_quad(size, 760, angle, tilt)], frame, rng)
    canvas = BACKGROUNDS[rng.choice(("wood", "cloth", "paper"))](frame, rng).astype(np.float32)
    warped, mask, matrix = warp_card(card.image, card.alpha, quad, frame)
    canvas = warped * mask[..., None] + canvas * (1 - mask[..., None])
    jpeg_bytes = encode_jpeg(np.clip(canvas, 0, 255).round().astype(np.uint8), 90)
    keys = FRONT_KEYS if side == "FRONT" else BACK_KEYS
    portrait = None
    if card.portrait_box is not None:
        portrait = map_points(matrix, box_corners(card.portrait_box))
    return PosedPhoto(
        jpeg_bytes,
        {k: tencent_fields(identity)[k] for k in keys},
        map_points(matrix, box_corners((0, 0, size[0], size[1]))),
        portrait,
    )
