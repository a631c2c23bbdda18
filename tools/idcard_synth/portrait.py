"""Head-and-shoulders pictures for the portrait window, from scikit-image's astronaut.

Variety comes from the crop window, mirroring, exposure and colour cast rather than from
more sample photos: the other bundled photos (chelsea, coffee, ...) are not people.
"""

from __future__ import annotations

import functools
import random

import cv2
import numpy as np
from skimage import data

PORTRAIT_SIZE = (500, 670)  # width, height of the window on the front (template px)
_BASE_CROP = (0, 104, 320, 240)  # top, left, height, width of the face-and-shoulders region
_HEAD = (0.5, 0.33, 0.33, 0.31)  # head ellipse cx, cy, rx, ry as fractions of the crop


@functools.cache
def _astronaut() -> np.ndarray:
    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def _subject_mask(size: tuple[int, int], head: tuple[float, float, float, float]) -> np.ndarray:
    """Soft head ellipse plus shoulders; the real photo is shot against a plain background."""
    width, height = size
    cx, cy, rx, ry = head
    mask = np.zeros((height, width), np.float32)
    center = (int(cx * width), int(cy * height))
    cv2.ellipse(mask, center, (int(rx * width), int(ry * height)), 0, 0, 360, 1.0, -1)
    shoulders = (int(cx * width), height)
    cv2.ellipse(mask, shoulders, (int(0.48 * width), int(0.42 * height)), 0, 180, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), width * 0.03)[..., None]


def _jittered_crop(rng: random.Random) -> np.ndarray:
    top, left, height, width = _BASE_CROP
    scale = rng.uniform(0.92, 1.08)
    h, w = int(height * scale), int(width * scale)
    dx, dy = rng.randint(-12, 12), rng.randint(0, 12)
    x0 = min(max(left + dx - (w - width) // 2, 0), 512 - w)
    y0 = min(max(top + dy, 0), 512 - h)
    return _astronaut()[y0 : y0 + h, x0 : x0 + w]


def random_portrait(rng: random.Random) -> np.ndarray:
    """A 500x670 BGR portrait on a near-white background."""
    crop = _jittered_crop(rng)
    image = cv2.resize(crop, PORTRAIT_SIZE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    if rng.random() < 0.5:
        image = image[:, ::-1]
    gain = rng.uniform(0.8, 1.2)
    cast = np.array([rng.uniform(-12, 12) for _ in range(3)], np.float32)
    image = np.clip(image * gain + cast, 0, 255)
    background = np.full_like(image, rng.uniform(238, 255))
    mask = _subject_mask(PORTRAIT_SIZE, _HEAD)
    return (image * mask + background * (1 - mask)).astype(np.uint8)
