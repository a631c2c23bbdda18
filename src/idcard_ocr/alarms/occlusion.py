"""-9105 occlusion: something lies on the card, over its text or its portrait.

The card is light, nearly colourless ground with thin print. A finger, a pen, a coin or a
note is a thick blob that is clearly coloured, dark, or smooth and well below the ground's
brightness around it (the ground taken as the local upper envelope, capped so that glare
does not raise it); a pen as light as the card shows by its two long straight edges.
Opening the mask with a disc wider than the boldest printed stroke leaves only such blobs.
The emblem (back) is coloured by design, so only what spills out of its box counts there;
on the front, the portrait's head and shoulders (`portrait`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..result import AlarmKind, CardSide
from .blobs import blob_finding
from .border import MARGIN_PX, cut_share
from .evidence import (
    Box,
    CardEvidence,
    Finding,
    full_size,
    level_percentiles,
    locally_smooth,
)
from .glare import MIN_BRIGHTNESS as GLARE_LEVEL
from .portrait import coloured_by_design

MIN_CHROMA = 20.0  # a*b* units from the card's median colour
MAX_DARK_L = 35.0  # L* of a dark object (print is thin, so it does not survive opening)
MIN_SHADE = 30.0  # grey levels below the ground around it
MAX_LOCAL_STD = 10.0  # an object's surface is smooth; the guilloche is not
TEXT_PAD_PX = 10  # around a read line's box, where blurred print still spreads
STROKE_PX = 9  # windows of local smoothness: a stroke's width, a character's
CHARACTER_PX = 41
# The ground's envelope reaches this far: past the middle of a finger or a coin (15-25 mm,
# 180-300 px), whose whole face then lies below it, not only its rim; wider, broad soft
# shadows pass for objects (measured on seeds 31 and 41: 101 missed grey coins and pale
# fingers, 181 and wider raised clean cards).
ENVELOPE_PX = 141
OPENING_PX = 21  # wider than the card title's bold strokes on the flattened card
# The located outline can be a few percent off, letting the background in along the card's
# edges and along the frame's cut: both are ignored. A finger or an object over the text
# reaches well past this band; the printed fields start beyond it.
EDGE_BAND_PX = 40
MIN_BLOB_SHARE = 0.004
# An outline a little off moves the emblem off its box and its colour spills out: what lies
# this near it is not counted. The portrait's margin is used when its head and shoulders
# are not found (measured: 20 px keeps most objects and drops most clean spills, seed 41).
FIXED_BOX_MARGIN_PX = {CardSide.FRONT: 20, CardSide.BACK: 40}
TOUCH_PX = 50  # a blob reaching this near the portrait or emblem lies against it
AREA_RAMP = (0.004, 0.01)
# A pen as light as the card (silver, white) shades only its rims, thinner than the opening
# disc: it shows as two long straight edges a pen's width apart, slanted across the card.
# Found at half the card's size. A shaded barrel's strongest edges lie inside its outline:
# 8-11 mm pens showed them 44-130 px (3.5-11 mm) apart. The print's rows and the card's
# edges run along its sides, and so do their long edges: a pen lying within ROD_MIN_SLANT
# degrees of a side is not told from them.
ROD_SCALE = 0.5
ROD_MIN_LENGTH_PX = 100  # at ROD_SCALE: 200 px of the card
ROD_WIDTH_PX = (20.0, 85.0)  # at ROD_SCALE: 40-170 px of the card
ROD_MAX_ANGLE = 3.0
# Share of edge pixels inside the strip: the pens of alarm seeds 31, 53, 107 and 113 showed at
# most 0.065 (their highlight's edges), two rows of print grazed at a slant 0.21.
ROD_MAX_EDGES = 0.1
ROD_MIN_SLANT = 5.0


def occlusion(evidence: CardEvidence) -> Finding:
    lines = [(box, TOUCH_PX) for box in evidence.field_boxes().values()]
    # The part of a card inside a frame that cuts it, flattened as a whole card, is
    # stretched: its portrait and emblem move off their boxes, and what lies beside them is
    # their own colour. There a blob must lie over them to count (seeds 31 and 41: five cut
    # cards raised on spills beside the portrait; no occluder was lost).
    height, width = evidence.photo.shape[:2]
    cut = cut_share(evidence.quad, width, height, MARGIN_PX) > 0
    fixed = [(box, 0 if cut else TOUCH_PX) for box in evidence.fixed_boxes().values()]
    places = lines + fixed
    return blob_finding(
        AlarmKind.OCCLUSION,
        evidence,
        occluder_mask(evidence),
        min_share=MIN_BLOB_SHARE,
        area_ramp=AREA_RAMP,
        what="object(s)",
        keep=lambda blob: _covers_any(blob, places),
    )


def _covers_any(blob: npt.NDArray[np.bool_], places: list[tuple[Box, int]]) -> bool:
    """Whether the blob lies over (or, within each place's reach in px, against) printed
    content: what covers only blank ground hides nothing, and is most often background let
    in by an outline a little too large."""
    x, y, width, height = cv2.boundingRect(blob.astype(np.uint8))
    return any(
        geometry.rects_overlap((x - reach, y - reach, x + width + reach, y + height + reach), place)
        for place, reach in places
    )


def occluder_mask(evidence: CardEvidence) -> npt.NDArray[np.uint8]:
    """Thick coloured or dark blobs, outside the boxes that are coloured by design."""
    coloured_or_dark = full_size(
        (evidence.chroma >= MIN_CHROMA) | (evidence.lab[..., 0] <= MAX_DARK_L * 255 / 100)
    )
    shaded = _shaded(evidence)
    # Soft or washed-out print passes for a shadow at the scale of a stroke; on the text
    # lines shading must also be flat at the scale of a character, as a finger is.
    flat = locally_smooth(evidence.gray, CHARACTER_PX, MAX_LOCAL_STD)
    for x0, y0, x1, y1 in evidence.field_boxes().values():
        pad = TEXT_PAD_PX
        line = np.s_[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
        shaded[line] &= flat[line]
    objects = coloured_or_dark | shaded | _rods(evidence.gray)
    mask = (objects & _away_from_edges(evidence)).astype(np.uint8)
    mask *= 255
    for box in evidence.fixed_boxes().values():
        region, shape = coloured_by_design(evidence, box, FIXED_BOX_MARGIN_PX[evidence.side])
        mask[region][shape] = 0
    return _opened(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OPENING_PX, OPENING_PX)))


def _opened(mask: npt.NDArray[np.uint8], disc: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """`mask` opened with `disc` (eroded, then dilated), each pass only over the box around
    what it can change: the same pixels as `cv2.morphologyEx`, at a fraction of the cost, as
    a card's mask covers part of it and the erosion leaves little or nothing."""
    eroded = _within_reach(cv2.erode, mask, disc)
    return _within_reach(cv2.dilate, eroded, disc)


def _within_reach(
    operation: Callable[..., Any], mask: npt.NDArray[np.uint8], disc: npt.NDArray[Any]
) -> npt.NDArray[np.uint8]:
    """`operation` (erode or dilate, by the centred `disc`) of `mask`, which is 0 outside the
    box around its pixels and the disc's reach beyond: only that is computed."""
    out = np.zeros_like(mask)
    if cv2.countNonZero(mask):
        x, y, width, height = cv2.boundingRect(mask)
        reach = disc.shape[0] // 2
        box = np.s_[max(0, y - reach) : y + height + reach, max(0, x - reach) : x + width + reach]
        out[box] = operation(mask[box], disc)
    return out


def _rods(gray: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """The strips between long straight edges that run side by side a pen's width apart."""
    small = cv2.resize(gray, None, fx=ROD_SCALE, fy=ROD_SCALE, interpolation=cv2.INTER_AREA)
    edges = np.asarray(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 40, 120), np.uint8)
    votes = round(0.6 * ROD_MIN_LENGTH_PX)
    found = cv2.HoughLinesP(edges, 1, np.pi / 180, votes, None, ROD_MIN_LENGTH_PX, 8)
    strips = np.zeros(small.shape, np.uint8)
    segments = [] if found is None else list(np.reshape(found, (-1, 4)).astype(np.float64))
    segments = [s for s in segments if geometry.off_axis_degrees(s) >= ROD_MIN_SLANT]
    for i, first in enumerate(segments):
        for second in segments[i + 1 :]:
            band = geometry.band_between(first, second, ROD_MAX_ANGLE, ROD_WIDTH_PX)
            if band is not None and _hides_print(edges, band):
                cv2.fillConvexPoly(strips, np.round(band).astype(np.int32), 1)
    size = (gray.shape[1], gray.shape[0])
    return np.asarray(cv2.resize(strips, size, interpolation=cv2.INTER_NEAREST) > 0)


def _hides_print(edges: npt.NDArray[np.uint8], band: geometry.Quad) -> bool:
    """Whether the strip shows few edges, as a pen's barrel does over the print it hides; two
    rows of print, whose characters a long line can graze at a slant, show many."""
    inside = np.zeros(edges.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(band).astype(np.int32), 1)
    inside = np.asarray(cv2.erode(inside, np.ones((5, 5), np.uint8)), np.uint8)  # not its edges
    area = cv2.countNonZero(inside)
    return area > 0 and cv2.countNonZero(edges & inside) <= ROD_MAX_EDGES * area


def _away_from_edges(evidence: CardEvidence) -> npt.NDArray[np.bool_]:
    band = EDGE_BAND_PX
    inside = cv2.erode(evidence.in_photo.astype(np.uint8), np.ones((band, band), np.uint8)) > 0
    inside[:band], inside[-band:], inside[:, :band], inside[:, -band:] = False, False, False, False
    return np.asarray(inside)


def _shaded(evidence: CardEvidence) -> npt.NDArray[np.bool_]:
    """Smooth areas well below the card's ground around them."""
    gray = evidence.gray
    # The ground is smooth by construction, so it is found at a quarter of the resolution
    # (16x fewer pixels, a 4x smaller disc) and scaled back.
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    unprinted_small = cv2.medianBlur(small, 3)  # thin print gone
    capped = np.minimum(unprinted_small, np.uint8(level_percentiles(gray[::2, ::2], (75,))[0]))
    side = ENVELOPE_PX // 4 | 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    ground_small = cv2.GaussianBlur(cv2.dilate(capped, disc).astype(np.float32), (0, 0), 25 / 4)
    # Beside a highlight (as far as the envelope spreads it) the capped envelope stays high
    # while the card falls off into its ordinary light: no shade can be told there.
    below = ground_small - unprinted_small >= MIN_SHADE
    highlights = (unprinted_small >= GLARE_LEVEL).astype(np.uint8)
    if cv2.countNonZero(highlights):  # most cards have none: no dilation to pay for
        reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * side + 1, 2 * side + 1))
        below &= cv2.dilate(highlights, reach) == 0
    return np.asarray(full_size(below) & locally_smooth(gray, STROKE_PX, MAX_LOCAL_STD))
