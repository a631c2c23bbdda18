"""-9107 reflective: specular highlights, i.e. bright, colourless, textureless blobs.

Glare clips the sensor: the guilloche and print under it vanish, leaving a smooth patch
brighter than the card around it. "Brighter than around it" is what tells a highlight from
a card merely lit more on one side, whose bright part fades slowly into the rest. Each blob
is reported with where it is and which fields (or the portrait, or the emblem) it covers.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ..result import AlarmKind
from .blobs import blob_finding
from .evidence import CardEvidence, Finding, local_mean_std

MIN_BRIGHTNESS = 246.0  # highlights clip the sensor
MAX_SATURATION = 45
MAX_LOCAL_STD = 5.0
MIN_BLOB_SHARE = 0.0015
MIN_BUMP = 20.0  # grey levels the blob stands above the card's ground around it
RING = (31, 91)  # inner and outer dilation of that ring, px: past a highlight's soft edge
MARGIN = 16  # px around the bright pixels: see highlight_mask
# Share of the card under glare where the score starts and where it is certain.
AREA_RAMP = (0.002, 0.012)


def reflective(evidence: CardEvidence) -> Finding:
    return blob_finding(
        AlarmKind.REFLECTIVE,
        evidence,
        highlight_mask(evidence),
        min_share=MIN_BLOB_SHARE,
        area_ramp=AREA_RAMP,
        what="highlight(s)",
        keep=lambda blob: _stands_out(evidence.gray, blob),
    )


def highlight_mask(evidence: CardEvidence) -> npt.NDArray[np.uint8]:
    """Pixels that are bright, colourless and smooth, cleaned of specks."""
    mask = np.zeros(evidence.gray.shape, np.uint8)
    # A mean over 5 x 5 px reaches MIN_BRIGHTNESS only within 2 px of a pixel that does,
    # and cleaning moves the mask by at most 3 px more: a margin past both (and past the
    # filters' reach into it) gives the same mask from the bright pixels' box alone, often
    # a small part of the card or none of it.
    bright = (evidence.gray >= MIN_BRIGHTNESS).astype(np.uint8)
    x, y, width, height = cv2.boundingRect(bright)
    if width == 0:
        return mask
    near = np.s_[max(0, y - MARGIN) : y + height + MARGIN, max(0, x - MARGIN) : x + width + MARGIN]
    mean, std = local_mean_std(evidence.gray[near], 5)
    saturation = cv2.cvtColor(evidence.card[near], cv2.COLOR_BGR2HSV)[..., 1]
    found = (mean >= MIN_BRIGHTNESS) & (saturation <= MAX_SATURATION) & (std <= MAX_LOCAL_STD)
    opened = cv2.morphologyEx(found.astype(np.uint8) * 255, cv2.MORPH_OPEN, np.ones((3, 3)))
    mask[near] = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, np.ones((7, 7)))
    return mask


def _stands_out(gray: npt.NDArray[np.uint8], blob: npt.NDArray[np.bool_]) -> bool:
    """Whether the blob is clearly brighter than a ring of card around it."""
    # Only the blob's box and the ring's reach around it can hold any of it.
    x, y, width, height = cv2.boundingRect(blob.astype(np.uint8))
    reach = RING[1] // 2 + 1
    near = np.s_[max(0, y - reach) : y + height + reach, max(0, x - reach) : x + width + reach]
    blob, gray = blob[near], gray[near]
    blob8 = blob.astype(np.uint8)
    inner, outer = (cv2.dilate(blob8, np.ones((k, k), np.uint8)) > 0 for k in RING)
    ring = outer & ~inner
    if not ring.any():
        return False  # the blob is the whole card: an exposure problem, not a highlight
    around = gray[ring]
    ground = around[around >= np.median(around)]  # the card's ground, not the print it crosses
    return float(np.median(gray[blob]) - np.median(ground)) >= MIN_BUMP
