"""Photograph a card for the alarm set: photo.py's framing and camera, with hooks.

A :class:`Shot` says what stands in front of the camera (the card itself, or a carrier:
a photocopy sheet, a screen), whether part of the card is pushed out of the frame, what is
drawn over it before the light falls on it (objects), after (specular glare), and how the
lens blurs it.  Every photo then goes through the same lighting, noise, colour-filter
mosaic and JPEG, so none of those is a cue for any alarm.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from idcard_synth import copies, effects
from idcard_synth.identity import Identity
from idcard_synth.photo import (
    MIN_CARD_WIDTH,
    CardTruth,
    _card_width,
    _edge,
    _fit_frame,
    _frame_size,
    _pose,
    _truth,
)
from idcard_synth.render import RenderedCard
from idcard_synth.scene import (
    card_quad,
    drop_shadow,
    encode_jpeg,
    lighting,
    place,
    sensor_noise,
    warp_card,
)
from idcard_synth.textures import random_background

__all__ = ["Hook", "Shot", "card_width", "photograph", "resized"]

_HIGHLIGHT = (228.0, 248.0)  # where auto-exposure may put the subject's brightest 0.5%

Hook = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (canvas, card->photo) -> canvas


@dataclass
class Shot:
    """How to photograph one card: what stands in front of the camera and what goes wrong."""

    category: str = "upright"
    width: float | None = None  # card width in photo px, else the category's
    carrier: Callable[[int], copies.Carrier] | None = None  # card px in photo -> carrier
    cut: Callable[[np.ndarray, tuple[int, int]], np.ndarray] | None = None
    dim: float = 1.0  # background brightness (a screen is shot in a dim room)
    on_card: list[Hook] = field(default_factory=list)  # before lighting: objects
    after_light: list[Hook] = field(default_factory=list)  # specular highlights
    kernel: Callable[[float], np.ndarray] | None = None  # text px -> blur kernel
    soft: bool = False


def _layout(
    rng: random.Random, card: RenderedCard, shot: Shot
) -> tuple[tuple[int, int], np.ndarray]:
    """photo.py's framing for one card, with an optional fixed card width."""
    frame = _frame_size(rng, shot.category)
    width = shot.width or _card_width(rng, shot.category, frame)
    angle, tilt = _pose(rng, shot.category)
    quad = card_quad((card.alpha.shape[1], card.alpha.shape[0]), width, angle, tilt)
    if card_width(quad) < MIN_CARD_WIDTH * 1.05:
        quad = quad * (MIN_CARD_WIDTH * 1.05 / card_width(quad))
    frame = _fit_frame(frame, [quad])
    return frame, place([quad], frame, rng)[0]


def _warp_carrier(
    carrier: copies.Carrier, card: RenderedCard, quad: np.ndarray, frame: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like scene.warp_card for the carrier; the matrix returned maps *card* px to photo."""
    x0, y0, x1, y1 = carrier.card_box
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    to_frame = cv2.getPerspectiveTransform(box, quad.astype(np.float32))
    warped = cv2.warpPerspective(carrier.image, to_frame, frame, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(carrier.alpha, to_frame, frame, flags=cv2.INTER_LINEAR)
    height, width = card.alpha.shape
    card_to_carrier = np.array([[(x1 - x0) / width, 0, x0], [0, (y1 - y0) / height, y0], [0, 0, 1]])
    return warped.astype(np.float32), mask.astype(np.float32) / 255.0, to_frame @ card_to_carrier


def photograph(
    rng: random.Random, card: RenderedCard, identity: Identity, shot: Shot
) -> tuple[bytes, CardTruth, tuple[int, int]]:
    frame, quad = _layout(rng, card, shot)
    if shot.cut is not None:
        quad = shot.cut(quad, frame)
    canvas = random_background(frame, rng)[1].astype(np.float32) * shot.dim
    if shot.carrier is None:
        warped, mask, matrix = warp_card(card.image, card.alpha, quad, frame)
    else:
        carrier = shot.carrier(round(card_width(quad)))
        warped, mask, matrix = _warp_carrier(carrier, card, quad, frame)
    canvas = drop_shadow(canvas, mask, rng)
    canvas = warped * mask[..., None] + canvas * (1 - mask[..., None])
    for hook in shot.on_card:
        canvas = hook(canvas, matrix)
    canvas = _expose(lighting(canvas, rng), mask, rng.uniform(*_HIGHLIGHT))
    for hook in shot.after_light:
        canvas = hook(canvas, matrix)
    text_px = effects.text_height(quad)
    if shot.kernel is not None:
        canvas = effects.convolve(canvas, shot.kernel(text_px))
    elif shot.soft:
        canvas = effects.soften(canvas, rng, text_px)
    canvas = _bayer(np.clip(sensor_noise(canvas, rng), 0, 255).round().astype(np.uint8))
    payload = encode_jpeg(canvas, rng.randint(60, 95))
    return payload, _truth(card, identity, matrix, shot.category), frame


def _expose(canvas: np.ndarray, subject: np.ndarray, highlight: float) -> np.ndarray:
    """Auto-exposure: a phone meters so that the bright subject does not clip.

    Without it the uneven lighting pushes a pale card past 255 over wide areas, which is
    overexposure that looks like glare, and clean photos must not carry it.
    """
    bright = canvas.max(axis=2)[subject > 0.5][::7]
    if bright.size == 0:
        return canvas
    level = float(np.percentile(bright, 99.5))
    return canvas * (highlight / level) if level > highlight else canvas


def _bayer(image: np.ndarray) -> np.ndarray:
    """Sample through an RGGB colour filter and demosaic, as every phone sensor does.

    Done to every photo so that it is no cue by itself; on a screen's sub-pixel grid it
    is what turns a fine pitch into the coloured moire bands of a re-photographed display.
    """
    height, width = image.shape[0] // 2 * 2, image.shape[1] // 2 * 2
    image = image[:height, :width]
    mosaic = np.empty((height, width), np.uint8)
    mosaic[0::2, 0::2] = image[0::2, 0::2, 2]
    mosaic[0::2, 1::2] = image[0::2, 1::2, 1]
    mosaic[1::2, 0::2] = image[1::2, 0::2, 1]
    mosaic[1::2, 1::2] = image[1::2, 1::2, 0]
    return cv2.demosaicing(mosaic, cv2.COLOR_BayerBG2BGR_EA)


def resized(card: RenderedCard, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The card and its mask at ``width`` px (area-resampled: no aliased fine print)."""
    width = min(width, card.image.shape[1])
    height = round(card.image.shape[0] * width / card.image.shape[1])
    image = cv2.resize(card.image, (width, height), interpolation=cv2.INTER_AREA)
    return image, cv2.resize(card.alpha, (width, height), interpolation=cv2.INTER_AREA)


def card_width(quad: np.ndarray) -> float:
    """The card's legible width in the photo (photo.py's measure)."""
    return _edge(quad)
