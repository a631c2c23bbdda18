"""Phone-camera-like photos of cards, with ground truth for detection and OCR tests."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from idcard_synth.identity import Identity, random_identity
from idcard_synth.render import RenderedCard, render_card
from idcard_synth.scene import (
    box_corners,
    card_quad,
    decode_jpeg,
    drop_shadow,
    encode_jpeg,
    lighting,
    map_points,
    place,
    sensor_noise,
    warp_card,
)
from idcard_synth.textures import BACKGROUNDS, PHOTO_LIKE, random_background

__all__ = [
    "CATEGORIES",
    "FAR",
    "CardTruth",
    "PhotoSample",
    "encode_jpeg",
    "make_photo",
    "make_photo_at",
    "make_photo_set",
]

CATEGORIES: tuple[str, ...] = (
    "upright", "rotated", "perspective", "small", "large",
    "two_sided", "multi_card", "tiny", "no_card",
)  # fmt: skip
EXPECTED_ERRORS: dict[str, str] = {
    "multi_card": "FailedOperation.MultiCardError",
    "tiny": "FailedOperation.IdCardTooSmall",
    "no_card": "FailedOperation.ImageNoIdCard",
}
FAR = "far"
"""Not one of CATEGORIES, so the benchmarks' sets stay as they were: one card 370-480 px wide
in a photo of 3,000-4,000 px, as from a phone held far off. No view may outline it, and its
print first shows at 1,920 px."""
MIN_CARD_WIDTH = 350  # px; below this the fine print is no longer reliably legible
_CARD_ASPECT = 85.6 / 54.0  # ISO/IEC 7810 ID-1
# Share of the frame covered by each card, per category.
_AREA = {"small": (0.10, 0.25), "large": (0.70, 0.93), "two_sided": (0.08, 0.2)}
_AREA["multi_card"] = _AREA["two_sided"]


@dataclass(frozen=True, eq=False)
class CardTruth:
    side: str
    identity: Identity
    quad: np.ndarray  # 4x2 float32, image px: card's own TL, TR, BR, BL
    portrait_quad: np.ndarray | None  # 4x2, FRONT only
    field_quads: dict[str, np.ndarray]  # every RenderedCard.field_boxes entry, mapped
    expected_error: str | None
    category: str


@dataclass(frozen=True, eq=False)
class PhotoSample:
    image: np.ndarray  # BGR, decoded from ``jpeg``
    jpeg: bytes  # the exact file whose decoding is ``image``
    jpeg_quality: int
    cards: tuple[CardTruth, ...]
    expected_error: str | None
    category: str
    background: str


def _frame_size(rng: random.Random, category: str) -> tuple[int, int]:
    if category == FAR:
        long_side = rng.randint(3000, 4000)
        return long_side, round(long_side / rng.choice((4 / 3, 3 / 2, 16 / 9)))
    long_side = rng.randint(1600 if category == "tiny" else 800, 4000)
    aspect = rng.choice((4 / 3, 3 / 2, 16 / 9))
    if category == "large":  # a card can only fill ~95% of a frame of its own shape
        aspect = _CARD_ASPECT * rng.uniform(0.97, 1.1)
    if rng.random() < 0.3 and category != "large":
        return round(long_side / aspect), long_side
    return long_side, round(long_side / aspect)


def _pose(rng: random.Random, category: str) -> tuple[float, tuple[float, float]]:
    """In-plane angle and (x, y) tilt in degrees."""
    if category == "rotated":
        return rng.uniform(0, 360), (0.0, 0.0)
    if category == "perspective":
        return rng.uniform(-15, 15), (rng.uniform(-30, 30), rng.uniform(-30, 30))
    if category == "large":
        return rng.uniform(-1.5, 1.5), (0.0, 0.0)
    if category in ("two_sided", "multi_card"):
        return rng.uniform(-5, 5), (0.0, 0.0)
    return rng.uniform(-8, 8), (0.0, 0.0)


def _card_width(rng: random.Random, category: str, frame: tuple[int, int]) -> float:
    if category == "tiny":
        return rng.uniform(110, 190)
    if category == FAR:
        return rng.uniform(262, 480)  # then at least MIN_CARD_WIDTH legible (`_layout`)
    low, high = _AREA.get(category, (0.2, 0.55))
    area = rng.uniform(low, high) * frame[0] * frame[1]
    return math.sqrt(area * _CARD_ASPECT)


def _edge(quad: np.ndarray) -> float:
    """Shorter of the card's top and bottom edges: its legible width after perspective."""
    return float(min(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))


def _fit_frame(frame: tuple[int, int], quads: list[np.ndarray]) -> tuple[int, int]:
    """Grow the frame (keeping its aspect) until the group fits without shrinking cards."""
    stacked = np.vstack(quads)
    extent = (stacked.max(axis=0) - stacked.min(axis=0)) * 1.04 + 4  # place()'s margin
    grow = max(1.0, extent[0] / frame[0], extent[1] / frame[1])
    return round(frame[0] * grow), round(frame[1] * grow)


def _layout(
    rng: random.Random, category: str, cards: list[RenderedCard]
) -> tuple[tuple[int, int], list[np.ndarray]]:
    """Frame size and one quad per card; two cards sit side by side without touching."""
    frame = _frame_size(rng, category)
    width = _card_width(rng, category, frame)
    quads = []
    for card in cards:
        angle, tilt = _pose(rng, category)
        size = (card.alpha.shape[1], card.alpha.shape[0])
        quads.append(card_quad(size, width, angle, tilt))
    legible = min(_edge(q) for q in quads)
    if category != "tiny" and legible < MIN_CARD_WIDTH * 1.05:
        quads = [q * (MIN_CARD_WIDTH * 1.05 / legible) for q in quads]
    if len(quads) == 2:
        extent = [q.max(axis=0) - q.min(axis=0) for q in quads]
        axis = 0 if frame[0] >= frame[1] else 1  # along the long side of the frame
        step = np.zeros(2, np.float32)
        step[axis] = (extent[0][axis] + extent[1][axis]) / 2 + rng.uniform(0.05, 0.3) * width
        quads[1] = quads[1] + step
    if category != "tiny":
        frame = _fit_frame(frame, quads)
    return frame, place(quads, frame, rng)


def _truth(card: RenderedCard, identity: Identity, matrix: np.ndarray, category: str) -> CardTruth:
    width, height = card.alpha.shape[1], card.alpha.shape[0]
    quad = map_points(matrix, box_corners((0, 0, width, height)))
    portrait = (
        None if card.portrait_box is None else map_points(matrix, box_corners(card.portrait_box))
    )
    fields = {key: map_points(matrix, box_corners(box)) for key, box in card.field_boxes.items()}
    error = EXPECTED_ERRORS.get(category)
    return CardTruth(card.side, identity, quad, portrait, fields, error, category)


def _cards_for(rng: random.Random, category: str) -> list[tuple[RenderedCard, Identity]]:
    if category == "no_card":
        return []
    first = random_identity(rng)
    if category == "two_sided":
        return [(render_card(first, "FRONT", rng), first), (render_card(first, "BACK", rng), first)]
    if category == "multi_card":
        second = random_identity(rng)
        return [
            (render_card(first, "FRONT", rng), first),
            (render_card(second, "FRONT", rng), second),
        ]
    side = "FRONT" if rng.random() < 0.6 else "BACK"
    return [(render_card(first, side, rng), first)]


def make_photo(rng: random.Random, category: str) -> PhotoSample:
    """One synthetic photo of ``category`` (see :data:`CATEGORIES` and :data:`FAR`)."""
    if category not in (*CATEGORIES, FAR):
        raise ValueError(f"unknown category {category!r}")
    cards = _cards_for(rng, category)
    if not cards:
        frame = _frame_size(rng, category)
        name = rng.choice((*PHOTO_LIKE, "brick", "wood", "paper"))
        canvas = BACKGROUNDS[name](frame, rng).astype(np.float32)
        truths: list[CardTruth] = []
    else:
        frame, quads = _layout(rng, category, [card for card, _ in cards])
        name, background = random_background(frame, rng)
        canvas = background.astype(np.float32)
        truths = []
        for (card, identity), quad in zip(cards, quads, strict=True):
            warped, mask, matrix = warp_card(card.image, card.alpha, quad, frame)
            canvas = drop_shadow(canvas, mask, rng)
            canvas = warped * mask[..., None] + canvas * (1 - mask[..., None])
            truths.append(_truth(card, identity, matrix, category))
    canvas = sensor_noise(lighting(canvas, rng), rng)
    quality = rng.randint(50, 95)
    payload = encode_jpeg(np.clip(canvas, 0, 255).round().astype(np.uint8), quality)
    error = EXPECTED_ERRORS.get(category)
    return PhotoSample(decode_jpeg(payload), payload, quality, tuple(truths), error, category, name)


def make_photo_set(seed: int, n: int) -> list[PhotoSample]:
    """``n`` photos cycling through :data:`CATEGORIES`; sample i depends only on (seed, i)."""
    return [make_photo_at(seed, index) for index in range(n)]


def make_photo_at(seed: int, index: int) -> PhotoSample:
    """Photo ``index`` of the set from ``seed``, alone (to regenerate a missed one)."""
    category = CATEGORIES[index % len(CATEGORIES)]
    return make_photo(random.Random(seed * 1_000_003 + index), category)
