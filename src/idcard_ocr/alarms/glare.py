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
    mean, std = local_mean_std(evidence.gray, 5)
    mask = (
        (mean >= MIN_BRIGHTNESS) & (evidence.hsv[..., 1] <= MAX_SATURATION) & (std <= MAX_LOCAL_STD)
    )
    opened = cv2.morphologyEx(mask.astype(np.uint8) * 255, cv2.MORPH_OPEN, np.ones((3, 3)))
    return np.asarray(cv2.morphologyEx(opened, cv2.MORPH_CLOSE, np.ones((7, 7))), np.uint8)


def _stands_out(gray: npt.NDArray[np.uint8], blob: npt.NDArray[np.bool_]) -> bool:
    """Whether the blob is clearly brighter than a ring of card around it."""
    blob8 = blob.astype(np.uint8)
    inner, outer = (cv2.dilate(blob8, np.ones((k, k), np.uint8)) > 0 for k in RING)
    ring = outer & ~inner
    if not ring.any():
        return False  # the blob is the whole card: an exposure problem, not a highlight
    around = gray[ring]
    ground = around[around >= np.median(around)]  # the card's ground, not the print it crosses
    return float(np.median(gray[blob]) - np.median(ground)) >= MIN_BUMP
