"""Backgrounds a card is photographed on: sample photos, synthetic wood/cloth, paper."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

import cv2
import numpy as np
from skimage import data

Size = tuple[int, int]  # width, height


@functools.cache
def _sample(name: str) -> np.ndarray:
    """scikit-image sample as BGR; grey ones are expanded to three channels."""
    image = getattr(data, name)()
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)


def _cover(image: np.ndarray, size: Size, rng: random.Random) -> np.ndarray:
    """Scale to cover ``size`` and crop a random window (like framing a photo)."""
    width, height = size
    scale = max(width / image.shape[1], height / image.shape[0]) * rng.uniform(1.0, 1.4)
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    x0 = rng.randint(0, resized.shape[1] - width)
    y0 = rng.randint(0, resized.shape[0] - height)
    return resized[y0 : y0 + height, x0 : x0 + width]


def _tint(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """Grey samples (brick, gravel) look like real surfaces once given a colour cast."""
    cast = np.array([rng.uniform(0.8, 1.2) for _ in range(3)], np.float32)
    return np.clip(image.astype(np.float32) * cast, 0, 255).astype(np.uint8)


def _noise_field(size: Size, rng: random.Random, scale: float) -> np.ndarray:
    """Smooth random field in [0, 1]: low-resolution noise upsampled."""
    width, height = size
    gen = np.random.default_rng(rng.getrandbits(32))
    small = gen.random((max(2, int(height / scale)), max(2, int(width / scale))), np.float32)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def wood(size: Size, rng: random.Random) -> np.ndarray:
    """Grain: stretched noise bent into stripes, in brown tones."""
    height = size[1]
    warp = _noise_field(size, rng, 80.0) * rng.uniform(8, 20)
    y = np.arange(height, dtype=np.float32)[:, None]
    gen = np.random.default_rng(rng.getrandbits(32))
    # Fibres: noise that is long along the grain and thin across it.
    streaks = gen.random((max(2, size[1] // 2), max(2, size[0] // 60)), np.float32)
    fibres = cv2.resize(streaks, size, interpolation=cv2.INTER_LINEAR)
    grain = 0.35 + 0.35 * np.sin(y / rng.uniform(6, 18) + warp) + 0.3 * fibres
    base = np.array([rng.uniform(40, 90), rng.uniform(80, 130), rng.uniform(130, 190)], np.float32)
    image = base * (0.75 + 0.35 * grain[..., None])
    return np.clip(image, 0, 255).astype(np.uint8)


def cloth(size: Size, rng: random.Random) -> np.ndarray:
    """Plain weave: fine crossing threads plus a blotchy dye variation."""
    width, height = size
    period = rng.uniform(3, 7)
    x = np.arange(width, dtype=np.float32)[None, :]
    y = np.arange(height, dtype=np.float32)[:, None]
    weave = 0.5 + 0.25 * (np.sin(x * 2 * np.pi / period) + np.sin(y * 2 * np.pi / period))
    blotch = _noise_field(size, rng, 150.0)
    base = np.array([rng.uniform(30, 220) for _ in range(3)], np.float32)
    image = base * (0.8 + 0.15 * weave[..., None] + 0.15 * blotch[..., None])
    return np.clip(image, 0, 255).astype(np.uint8)


def paper(size: Size, rng: random.Random) -> np.ndarray:
    width, height = size
    gen = np.random.default_rng(rng.getrandbits(32))
    level = rng.uniform(215, 250)
    fibre = gen.normal(0, 3, (height, width)).astype(np.float32)
    image = level + fibre + 8 * _noise_field(size, rng, 300.0)
    return np.clip(np.repeat(image[..., None], 3, axis=2), 0, 255).astype(np.uint8)


def _from_sample(name: str, tint: bool) -> Callable[[Size, random.Random], np.ndarray]:
    def make(size: Size, rng: random.Random) -> np.ndarray:
        image = _cover(_sample(name), size, rng)
        return _tint(image, rng) if tint else image

    return make


BACKGROUNDS: dict[str, Callable[[Size, random.Random], np.ndarray]] = {
    "brick": _from_sample("brick", tint=True),
    "grass": _from_sample("grass", tint=True),
    "gravel": _from_sample("gravel", tint=True),
    "coffee": _from_sample("coffee", tint=False),
    "rocket": _from_sample("rocket", tint=False),
    "wood": wood,
    "cloth": cloth,
    "paper": paper,
}
PHOTO_LIKE = ("coffee", "rocket")  # real photographs, used alone for 'no_card'


def random_background(size: Size, rng: random.Random) -> tuple[str, np.ndarray]:
    name = rng.choice(sorted(BACKGROUNDS))
    return name, BACKGROUNDS[name](size, rng)
