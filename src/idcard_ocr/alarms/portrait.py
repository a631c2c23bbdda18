"""Where a card is coloured by design: the emblem (back), the portrait's head and shoulders.

A Chinese ID card's portrait is a head and shoulders on a plain, light ground (the photos
are taken against white), printed over the card's ground. Only the head and the shoulders
are coloured by design: an object over the portrait also covers some of the plain ground
beside or above the head, where it shows as on the rest of the card. The head and
shoulders are found where they are printed, since an outline a little off moves them by
tens of pixels from the layout's box.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np
import numpy.typing as npt

from ..geometry import CARD_HEIGHT, CARD_WIDTH
from ..result import CardSide
from .evidence import Box, CardEvidence

# Head: an ellipse (centre x, y and radii as fractions of the layout's portrait box), a
# little larger than the printed head; shoulders: the box's lower part, across its width.
HEAD = (0.5, 0.34, 0.34, 0.32)
SHOULDERS_TOP = 0.6
# Around the head and shoulders found, for their soft edge and a fit a few pixels off
# (measured on seeds 31 and 41: 12 px and a smaller head let hair spill on clean cards,
# 24 px hides most objects beside the head).
SILHOUETTE_MARGIN_PX = 16
# The fit: at a quarter of the card's resolution, within this shift of the layout's box,
# the box framed by a ring of card ground (the shoulders end at the box's edges, which
# pins it); below this share of the best possible match there is no portrait near the box.
FIT_SCALE = 0.25
FIT_SHIFT_PX = 48
FIT_RING_PX = 24
FIT_MIN_MATCH = 0.3
# Skin, hair and clothes: coloured (a*b* from the card's median), or darker (L*) than the
# light ground behind the head.
SUBJECT_CHROMA = 12.0
SUBJECT_L = 50.0


def coloured_by_design(evidence: CardEvidence, box: Box, margin: int) -> npt.NDArray[np.bool_]:
    """The emblem's box (back), or the portrait's head and shoulders where they are printed
    (front); a box grown by `margin`, which an outline a little off moves it by, when its
    head and shoulders are not found."""
    if evidence.side is CardSide.BACK:
        return _silhouette(box, margin=margin, head=False) > 0
    offset = _portrait_offset(evidence, box)
    if offset is None:  # no portrait near its box: the outline is far off
        return _silhouette(box, margin=margin, head=False) > 0
    return _shifted(_silhouette(box, margin=SILHOUETTE_MARGIN_PX), *offset) > 0


def _shifted(shape: npt.NDArray[np.uint8], dx: int, dy: int) -> npt.NDArray[np.uint8]:
    """`shape` moved by (dx, dy), what it leaves empty zero (a copy: the cached original is
    drawn once per box)."""
    height, width = shape.shape
    moved = np.zeros_like(shape)
    moved[max(0, dy) : height + min(0, dy), max(0, dx) : width + min(0, dx)] = shape[
        max(0, -dy) : height - max(0, dy), max(0, -dx) : width - max(0, dx)
    ]
    return moved


@functools.cache
def _silhouette(
    box: Box, *, scale: float = 1.0, margin: int = 0, head: bool = True
) -> npt.NDArray[np.uint8]:
    """A head and shoulders in `box` (card px), or the whole box when not `head`, grown by
    `margin`, drawn at `scale` on a card-sized canvas."""
    x0, y0, x1, y1 = (v * scale for v in box)
    width, height, grow = x1 - x0, y1 - y0, margin * scale
    shape = np.zeros((round(CARD_HEIGHT * scale), round(CARD_WIDTH * scale)), np.uint8)
    top = y0 + SHOULDERS_TOP * height if head else y0
    if head:
        cx, cy, rx, ry = HEAD
        centre = (round(x0 + cx * width), round(y0 + cy * height))
        axes = (round(rx * width + grow), round(ry * height + grow))
        cv2.ellipse(shape, centre, axes, 0, 0, 360, 1, -1)
    rows = slice(max(0, round(top - grow)), max(0, round(y1 + grow)))
    shape[rows, max(0, round(x0 - grow)) : max(0, round(x1 + grow))] = 1
    return shape


def _portrait_offset(evidence: CardEvidence, box: Box) -> tuple[int, int] | None:
    """Where the portrait is printed against the layout's box: an outline a little off moves
    it by tens of pixels. The head and shoulders are matched, at a quarter of the card's
    resolution, against what is coloured or darker than the ground around the box."""
    q = FIT_SCALE
    reach = round(FIT_SHIFT_PX * q)
    x0, y0, x1, y1 = (round(v * q) for v in _framed(box))
    search = np.s_[max(0, y0 - reach) : y1 + reach, max(0, x0 - reach) : x1 + reach]
    # Skin, hair and clothes: coloured, or darker than the light ground behind the head.
    subject = (evidence.chroma >= SUBJECT_CHROMA) | (evidence.lab[..., 0] <= SUBJECT_L * 2.55)
    small = cv2.resize(
        subject.astype(np.float32), None, fx=2 * q, fy=2 * q, interpolation=cv2.INTER_AREA
    )
    template = _fit_template(box)
    window = small[search]
    if window.shape[0] < template.shape[0] or window.shape[1] < template.shape[1]:
        return None
    match = cv2.matchTemplate(window, template, cv2.TM_CCORR)
    _, best, _, (bx, by) = cv2.minMaxLoc(match)
    ox, oy = x0 - max(0, x0 - reach), y0 - max(0, y0 - reach)
    # A best match at the search's limit is a portrait further off (or none there).
    at_limit = max(abs(bx - ox), abs(by - oy)) >= reach
    if at_limit or best < FIT_MIN_MATCH * float((template > 0).sum()):
        return None
    return round((bx - ox) / q), round((by - oy) / q)


@functools.cache
def _fit_template(box: Box) -> npt.NDArray[np.float32]:
    """+1 on the head and shoulders, -1 on the plain ground beside them and on the card's
    ground around the box (the shoulders end at the box's edges: that pins it)."""
    q = FIT_SCALE
    x0, y0, x1, y1 = (round(v * q) for v in _framed(box))
    shape = _silhouette(box, scale=q)[y0:y1, x0:x1].astype(np.float32)
    return np.asarray(2 * shape - 1, dtype=np.float32)


def _framed(box: Box) -> Box:
    ring = FIT_RING_PX
    return (box[0] - ring, box[1] - ring, box[2] + ring, box[3] + ring)
