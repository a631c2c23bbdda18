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
from .evidence import COLOUR_SCALE, Box, CardEvidence

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


Patch = tuple[tuple[slice, slice], npt.NDArray[np.bool_]]
"""Rows and columns of the card, and which of their pixels."""


def coloured_by_design(evidence: CardEvidence, box: Box, margin: int) -> Patch:
    """The emblem's box (back), or the portrait's head and shoulders where they are printed
    (front); a box grown by `margin`, which an outline a little off moves it by, when its
    head and shoulders are not found."""
    offset = _portrait_offset(evidence, box) if evidence.side is CardSide.FRONT else None
    if offset is None:  # the emblem, or no portrait near its box: the outline is far off
        return _placed(box, _local_shape(box[2] - box[0], box[3] - box[1], margin, False))
    shape = _local_shape(box[2] - box[0], box[3] - box[1], SILHOUETTE_MARGIN_PX, True)
    x0, y0, x1, y1 = box
    dx, dy = offset
    return _placed((x0 + dx, y0 + dy, x1 + dx, y1 + dy), shape)


def _placed(box: Box, shape: npt.NDArray[np.bool_]) -> Patch:
    """`shape`, drawn around `box` by `_local_shape`, placed on the card and clipped to it."""
    height, width = shape.shape
    margin = (width - (box[2] - box[0])) // 2
    x0, y0 = box[0] - margin, box[1] - margin
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = max(cx0, min(CARD_WIDTH, x0 + width)), max(cy0, min(CARD_HEIGHT, y0 + height))
    rows, columns = slice(cy0, cy1), slice(cx0, cx1)
    return (rows, columns), shape[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]


@functools.cache
def _local_shape(width: int, height: int, margin: int, head: bool) -> npt.NDArray[np.bool_]:
    """A head and shoulders in a `width` x `height` box, or the whole box when not `head`,
    grown by `margin`, on a canvas `margin` wider than the box all round."""
    canvas = np.zeros((height + 2 * margin, width + 2 * margin), np.uint8)
    _draw(canvas, (margin, margin, margin + width, margin + height), margin, head)
    return np.asarray(canvas > 0)


def _draw(canvas: npt.NDArray[np.uint8], box: Box, grow: float, head: bool) -> None:
    """Set to 1 on `canvas` the head and shoulders in `box` (or the box), grown by `grow`."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    if head:
        cx, cy, rx, ry = HEAD
        centre = (round(x0 + cx * width), round(y0 + cy * height))
        axes = (round(rx * width + grow), round(ry * height + grow))
        cv2.ellipse(canvas, centre, axes, 0, 0, 360, 1, -1)
    top = y0 + SHOULDERS_TOP * height if head else y0
    rows = slice(max(0, round(top - grow)), max(0, round(y1 + grow)))
    canvas[rows, max(0, round(x0 - grow)) : max(0, round(x1 + grow))] = 1


def _portrait_offset(evidence: CardEvidence, box: Box) -> tuple[int, int] | None:
    """Where the portrait is printed against the layout's box: an outline a little off moves
    it by tens of pixels. The head and shoulders are matched, at a quarter of the card's
    resolution, against what is coloured or darker than the ground around the box."""
    q = FIT_SCALE
    reach = round(FIT_SHIFT_PX * q)
    x0, y0, x1, y1 = (round(v * q) for v in _framed(box))
    sx0, sy0 = max(0, x0 - reach), max(0, y0 - reach)
    # Only the search area of the colour views (at COLOUR_SCALE, k times the fit's scale).
    k = round(COLOUR_SCALE / q)
    area = np.s_[k * sy0 : k * (y1 + reach), k * sx0 : k * (x1 + reach)]
    # Skin, hair and clothes: coloured, or darker than the light ground behind the head.
    subject = (evidence.chroma[area] >= SUBJECT_CHROMA) | (
        evidence.lab[area][..., 0] <= SUBJECT_L * 2.55
    )
    window = cv2.resize(
        subject.astype(np.float32), None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_AREA
    )
    template = _fit_template(box)
    if window.shape[0] < template.shape[0] or window.shape[1] < template.shape[1]:
        return None
    match = cv2.matchTemplate(window, template, cv2.TM_CCORR)
    _, best, _, (bx, by) = cv2.minMaxLoc(match)
    ox, oy = x0 - sx0, y0 - sy0
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
    canvas = np.zeros((y1 - y0, x1 - x0), np.uint8)
    ring = round(FIT_RING_PX * q)
    _draw(canvas, (ring, ring, x1 - x0 - ring, y1 - y0 - ring), 0, True)
    return np.asarray(2 * canvas.astype(np.float32) - 1, dtype=np.float32)


def _framed(box: Box) -> Box:
    ring = FIT_RING_PX
    return (box[0] - ring, box[1] - ring, box[2] + ring, box[3] + ring)
