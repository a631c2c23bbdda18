"""Blank card artwork and fonts shipped with the ``idcardgenerator`` package.

The package itself is a Tk GUI and must never be imported; we only read its ``usedres``
folder.  ``empty.png`` is a 2480x3508 page with the blank front above the blank back on a
black surround; each side is cut out with a mask of its rounded outline.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import ImageFont

# Anything brighter than this (max over channels) is card, the surround is pure black.
_CARD_THRESHOLD = 30
_MIN_CARD_AREA = 1_000_000


@dataclass(frozen=True)
class CardSide:
    """One blank side: ``origin`` is its top-left in empty.png (template coordinates)."""

    image: np.ndarray  # BGR uint8
    alpha: np.ndarray  # uint8, 255 inside the rounded outline
    origin: tuple[int, int]


def resource_dir() -> Path:
    spec = importlib.util.find_spec("idcardgenerator")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the idcardgenerator package (blank card artwork) is not installed")
    return Path(spec.submodule_search_locations[0]) / "usedres"


@functools.cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """``name`` is one of hei.ttf, fzhei.ttf, ocrb10bt.ttf."""
    return ImageFont.truetype(str(resource_dir() / name), size)


def _outline_mask(bright: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Filled outer contour: the dark print inside the card must not punch holes in it."""
    x, y, w, h = box
    crop = bright[y : y + h, x : x + w].astype(np.uint8)
    contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    mask = np.zeros((h, w), np.uint8)
    cv2.drawContours(mask, [max(contours, key=cv2.contourArea)], -1, 255, cv2.FILLED)
    # Pull the edge in by a pixel and feather it: the outermost pixels are anti-aliased
    # against the black surround and would otherwise leave a dark rim in composites.
    mask[[0, -1], :] = 0  # erode treats the image border as inside; clear it explicitly
    mask[:, [0, -1]] = 0
    mask = cv2.erode(mask, np.ones((3, 3), np.uint8))
    return cv2.GaussianBlur(mask, (3, 3), 0)


@functools.cache
def card_sides() -> dict[str, CardSide]:
    """{'FRONT': ..., 'BACK': ...}; the upper card on the page is the front."""
    page = cv2.imread(str(resource_dir() / "empty.png"), cv2.IMREAD_COLOR)
    if page is None:
        raise RuntimeError("cannot read empty.png")
    bright = page.max(axis=2) > _CARD_THRESHOLD
    # Close the card interior first so the text strokes do not split a card in pieces.
    solid = cv2.morphologyEx(bright.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(solid)
    boxes = sorted(
        (
            tuple(int(v) for v in stats[i, :4])
            for i in range(1, count)
            if stats[i, 4] > _MIN_CARD_AREA
        ),
        key=lambda box: box[1],
    )
    if len(boxes) != 2:
        raise RuntimeError(f"expected two cards in empty.png, found {len(boxes)}")
    sides: dict[str, CardSide] = {}
    for side, (x, y, w, h) in zip(("FRONT", "BACK"), boxes, strict=True):
        mask = _outline_mask(solid.astype(bool), (x, y, w, h))
        image = page[y : y + h, x : x + w].copy()
        sides[side] = CardSide(image, mask, (x, y))
    return sides
