"""-9108 blurry: how wide the text's edges are.

A sharp stroke edge rises over two or three pixels; defocus and motion spread it. The width
is the local contrast over the steepest gradient, taken in four directions and the worst
kept, so motion blur (which only softens edges across its direction) is caught too. It is
measured in the photo's own pixels (resampling would blur it) and scored as the geometric
mean of that width and of the width relative to the card: the first alone would flag a
legible card filling a soft 12-megapixel frame, the second alone a sharp photo of a small
card whose print is only a few pixels tall.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import CARD_HEIGHT, CARD_WIDTH
from ..result import AlarmKind
from .evidence import CardEvidence, Finding, level_percentiles, ramp

MIN_CONTRAST = 40.0
# The combined edge width where the score starts and where it is certain.
WIDTH_RAMP = (7.0, 9.0)
# Past this combined width over the whole card, the text cannot be read at all.
UNREADABLE_WIDTH = 15.0
TILES = (3, 3)
TILE_PX = 600
MIN_TILES_WITH_EDGES = 4
# The median tile's width past which a photo is too soft for a card in it to be found. A
# photo this soft without a card in it (an upscaled picture) is told by `_pale_card_blob`.
BLURRED_PHOTO_WIDTH = 12.0
# A photo with one sharp tile is no blurred photo, whatever the rest: blurred photos' sharpest
# tiles measured 6.8 or more (alarm set, seeds 31 and 41), a small sharp copy on soft paper 2.6.
SHARPEST_TILE_MAX = 5.0
MAX_PATCH_ASPECT = 4
# A card blurred past having an outline still shows as a pale blob of its shape (ID-1 is
# 1.59:1; perspective makes it 1.3-1.9), filling most of its bounding rectangle. With it and
# the looser width tests, over the photos of alarm seeds 31-97 where no card was read, the
# blurred ones not reported as ImageBlur fell from 8 of 226 to 3; over 200 photos without a
# card (photo seeds 2028 and 2031), those reported as ImageBlur fell from 9 to 1.
BLOB_SIDE = 320
BLOB_LEVELS = (110, 150, 190)  # HSV value
MAX_BLOB_SATURATION = 70
BLOB_OPENINGS = (5, 11, 21)
BLOB_ASPECT = (1.3, 1.9)
MIN_BLOB_FILL = 0.75
MIN_BLOB_SHARE = 0.02


def blurry(evidence: CardEvidence) -> Finding:
    height, width = evidence.photo.shape[:2]
    inside = [
        quad
        for quad in evidence.field_quads.values()
        if geometry.within_frame(geometry.map_points(quad, evidence.to_photo), width, height)
    ]  # a line the frame cuts has a hard, false edge
    if not inside:
        return _face_blurry(evidence)
    # Fields read off one line (sex and nation) share a quad: measured once, counted twice.
    measured: dict[bytes, float | None] = {}
    for quad in inside:
        if quad.tobytes() not in measured:
            patch = photo_patch(evidence.photo, evidence.to_photo, quad)
            measured[quad.tobytes()] = edge_width(patch)
    widths = [found for quad in inside if (found := measured[quad.tobytes()]) is not None]
    if not widths:
        return Finding(AlarmKind.BLURRY, 1.0, detail="no text edge with enough contrast")
    in_photo = float(np.median(widths))
    on_card = in_photo / geometry.photo_scale(evidence.quad)
    score = ramp(combined_width(in_photo, on_card), *WIDTH_RAMP)
    detail = f"text edges {in_photo:.1f} px wide in the photo, {on_card:.1f} px on the card"
    return Finding(AlarmKind.BLURRY, score, detail=detail)


def combined_width(in_photo: float, on_card: float) -> float:
    """The geometric mean of the two widths, the photo's never above the card's: a card
    photographed bigger than CARD_WIDTH is no blurrier for its many pixels. Soft but legible
    cards of 2200-3200 px measured 13.7-18.9 px in the photo and 6.0-6.3 on the card (alarm
    seed 31, #77 and #290: 9.3 and 10.6 combined, raised); blurred ones read, 9.5 or more on
    the card."""
    return math.sqrt(min(in_photo, on_card) * on_card)


def _face_blurry(evidence: CardEvidence) -> Finding:
    """A card read by its side words alone, with no field line to measure: blurry when its
    face is blurred past reading (2 of seed 31's 5 blur misses scored 0 for want of a line)."""
    if unreadably_blurry(evidence.photo, evidence.quad):
        return Finding(AlarmKind.BLURRY, 1.0, detail="no text line read: the face is blurred")
    return Finding(AlarmKind.BLURRY, 0.0, detail="no text line inside the frame to measure")


def unreadably_blurry(photo: npt.NDArray[np.uint8], quad: geometry.Quad) -> bool:
    """Whether the card in `quad` is too blurred to read: for FailedOperation.ImageBlur,
    when no field could be read to measure."""
    to_photo = geometry.unwarp_matrix(quad, CARD_WIDTH, CARD_HEIGHT)
    inner = np.array([[0.05, 0.1], [0.95, 0.1], [0.95, 0.95], [0.05, 0.95]], np.float32)
    corners = (inner * [CARD_WIDTH, CARD_HEIGHT]).astype(np.float32)
    width = edge_width(photo_patch(photo, to_photo, corners))
    if width is None:
        return False  # no edge at all: a blank object, not a card blurred past reading
    return math.sqrt(width * width / geometry.photo_scale(quad)) >= UNREADABLE_WIDTH


def blurred_photo(photo: npt.NDArray[np.uint8]) -> bool:
    """Whether the whole photo is too blurred for any card in it to be read: for
    FailedOperation.ImageBlur when not even the card's outline could be found. Most of it
    must be soft, not just the middle, and no part sharp: a sharp card beside a soft
    background is no blurred photo. And a card must show as a pale card-shaped blob: a soft
    photo of something else has nothing to be read in it, blurred or not."""
    height, width = photo.shape[:2]
    gray = np.asarray(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    rows, cols = TILES
    widths = [
        found
        for r in range(rows)
        for c in range(cols)
        if (found := edge_width(_tile(gray, r, c))) is not None
    ]
    if len(widths) < MIN_TILES_WITH_EDGES:
        return False  # mostly plain surfaces: too little to tell blur by
    # As for a card, but with the frame's size in thousands of pixels as the scale.
    scale = math.sqrt(max(height, width) / 1000)
    return (
        min(widths) / scale > SHARPEST_TILE_MAX
        and float(np.median(widths)) / scale >= BLURRED_PHOTO_WIDTH
        and _pale_card_blob(photo)
    )


def _pale_card_blob(photo: npt.NDArray[np.uint8]) -> bool:
    """Whether some pale, nearly colourless blob is shaped like a card, at a few levels of
    paleness and after openings of a few widths (which cut it off a pale cup's rim beside
    it), at BLOB_SIDE px."""
    scale = BLOB_SIDE / max(photo.shape[:2])
    small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    greyish = hsv[..., 1] < MAX_BLOB_SATURATION
    for level in BLOB_LEVELS:
        pale = (greyish & (hsv[..., 2] > level)).astype(np.uint8)
        for width in BLOB_OPENINGS:
            disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))
            opened = np.asarray(cv2.morphologyEx(pale, cv2.MORPH_OPEN, disc), np.uint8)
            if _card_shaped_component(opened):
                return True
    return False


def _card_shaped_component(mask: npt.NDArray[np.uint8]) -> bool:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    for label in range(1, count):
        area = int(stats[label, cv2.CC_STAT_AREA])
        if area < MIN_BLOB_SHARE * mask.size:
            continue
        ys, xs = np.nonzero(labels == label)
        _, (length, breadth), _ = cv2.minAreaRect(np.stack([xs, ys], axis=1).astype(np.float32))
        aspect = max(length, breadth) / max(1.0, min(length, breadth))
        if BLOB_ASPECT[0] <= aspect <= BLOB_ASPECT[1] and area >= MIN_BLOB_FILL * length * breadth:
            return True
    return False


def _tile(gray: npt.NDArray[np.uint8], row: int, col: int) -> npt.NDArray[np.uint8]:
    """Tile (row, col) of the frame's TILES grid, at most TILE_PX square about its centre."""
    height, width = gray.shape
    rows, cols = TILES
    cy, cx = (2 * row + 1) * height // (2 * rows), (2 * col + 1) * width // (2 * cols)
    half_h, half_w = min(height // (2 * rows), TILE_PX // 2), min(width // (2 * cols), TILE_PX // 2)
    return gray[cy - half_h : cy + half_h, cx - half_w : cx + half_w]


def edge_width(patch: npt.NDArray[np.uint8]) -> float | None:
    """Contrast over the 99th-percentile gradient, in the softest of four directions."""
    if patch.size < 64:
        return None
    low, high = level_percentiles(patch, (2, 98))
    contrast = high - low
    if contrast < MIN_CONTRAST:
        return None
    # Integer gradients (|value| <= 2040) make each percentile a histogram lookup; scaling
    # commutes with a percentile, so the per-pixel slope is taken after it. Sobel's 3x3
    # kernel weighs the central difference by 4: /8 gives that slope.
    gx = cv2.Sobel(patch, cv2.CV_16S, 1, 0, ksize=3)
    gy = cv2.Sobel(patch, cv2.CV_16S, 0, 1, ksize=3)
    diagonal = 8.0 * math.sqrt(2.0)
    directions = ((gx, 8.0), (gy, 8.0), (gx + gy, diagonal), (gx - gy, diagonal))
    steepest = [level_percentiles(np.abs(g), (99,))[0] / scale for g, scale in directions]
    return contrast / max(min(steepest), 1e-3)


def photo_patch(
    photo: npt.NDArray[np.uint8], to_photo: npt.NDArray[np.float64], quad: geometry.Quad
) -> npt.NDArray[np.uint8]:
    """The bounding box in the photo of a quad on the card, grey, at the photo's resolution."""
    corners = geometry.map_points(quad, to_photo)
    height, width = photo.shape[:2]
    x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, [width, height])
    x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int), 0, [width, height])
    # A long line's middle part has the same edges as the whole, at a fraction of the cost.
    height, width = y1 - y0, x1 - x0
    if width > MAX_PATCH_ASPECT * height:
        x0 += (width - MAX_PATCH_ASPECT * height) // 2
        x1 = x0 + MAX_PATCH_ASPECT * height
    elif height > MAX_PATCH_ASPECT * width:
        y0 += (height - MAX_PATCH_ASPECT * width) // 2
        y1 = y0 + MAX_PATCH_ASPECT * width
    patch = photo[y0:y1, x0:x1]
    return np.asarray(cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
