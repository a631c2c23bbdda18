"""The glance for a second card: after one card is read, a quick look for lines of text
beside it, where a card that no outline showed would be."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import numpy.typing as npt

from . import geometry
from .engine import OcrEngine
from .lanes import lanes, side_by_side
from .stages.pale import pale_share

GLANCE_SIDE = 640
GLANCE_MIN_LINES = 3
# Two cards in one photo are about the same size: a second one needs at least this share of
# the first one's extent free beside, above or below it (perspective can shrink it a little).
GLANCE_ROOM_SHARE = 0.6
# A second card shows at least this much pale face, as a share of the first card's area
# (0.4 of its size, of which 0.6 is pale: `SECOND_CARD_AREA`, `pale_card_shape`).
GLANCE_MIN_PALE_AREA = 0.2


def text_beside(pixels: npt.NDArray[np.uint8], card_quad: geometry.Quad, engine: OcrEngine) -> bool:
    """Whether lines of text show beside the card at `card_quad`: a second card that no
    outline showed. Only the free strips of the frame are looked at, on the lanes side by
    side where there are two or three (in process)."""
    scale = min(1.0, GLANCE_SIDE / max(pixels.shape[:2]))
    around = geometry.expand_quad(card_quad, 0.05)
    least_pale = GLANCE_MIN_PALE_AREA * geometry.quad_area(card_quad) * scale**2
    strips = []
    for x0, y0, x1, y1 in free_strips(card_quad, pixels.shape[:2]):
        strip = np.asarray(cv2.resize(pixels[y0:y1, x0:x1], None, fx=scale, fy=scale), np.uint8)
        # Without room for a card's pale face (grass, wood, a dark desk) no need to look.
        if pale_share(strip) * strip.shape[0] * strip.shape[1] >= least_pale:
            strips.append((strip, (x0, y0)))

    def lines_outside(strip: npt.NDArray[np.uint8], origin: tuple[int, int]) -> int:
        boxes = engine.detect(strip, max(strip.shape[:2]))
        centres = [box.quad.mean(axis=0) / scale + origin for box in boxes]
        return sum(
            cv2.pointPolygonTest(around, (float(x), float(y)), False) < 0 for x, y in centres
        )

    if len(strips) > 1 and side_by_side():
        counts: Iterator[int] = lanes().map(lines_outside, *zip(*strips, strict=True))
    else:
        counts = (lines_outside(strip, origin) for strip, origin in strips)
    return any(count >= GLANCE_MIN_LINES for count in counts)


def free_strips(quad: geometry.Quad, shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """The strips of the frame beside, above or below the card (x0, y0, x1, y1) with room
    for another card of its size."""
    height, width = shape[:2]
    (x0, y0), (x1, y1) = np.clip(quad.min(axis=0), 0, None), quad.max(axis=0)
    x0, y0, x1, y1 = int(x0), int(y0), min(int(x1) + 1, width), min(int(y1) + 1, height)
    room_x, room_y = GLANCE_ROOM_SHARE * (x1 - x0), GLANCE_ROOM_SHARE * (y1 - y0)
    strips = [
        ((0, 0, x0, height), x0 >= room_x),
        ((x1, 0, width, height), width - x1 >= room_x),
        ((0, 0, width, y0), y0 >= room_y),
        ((0, y1, width, height), height - y1 >= room_y),
    ]
    return [strip for strip, roomy in strips if roomy]
