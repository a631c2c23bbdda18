"""-9105 occlusion: something lies on the card, over its text or its portrait.

The card is light, nearly colourless ground with thin print. A finger, a pen, a coin or a
note is a thick blob that is clearly coloured, dark, or smooth and well below the ground's
brightness around it (the ground taken as the local upper envelope, capped so that glare
does not raise it). Opening the mask with a disc wider than the boldest printed stroke
leaves only such blobs. The portrait (front) and the emblem (back) are coloured by design,
so only what spills out of their boxes counts there.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ..result import AlarmKind
from .blobs import blob_finding
from .copy import chroma
from .evidence import CardEvidence, Finding

MIN_CHROMA = 20.0  # a*b* units from the card's median colour
MAX_DARK_L = 35.0  # L* of a dark object (print is thin, so it does not survive opening)
MIN_SHADE = 30.0  # grey levels below the ground around it
MAX_LOCAL_STD = 10.0  # an object's surface is smooth; the guilloche is not
ENVELOPE_PX = 101
OPENING_PX = 21  # wider than the card title's bold strokes on the flattened card
MIN_BLOB_SHARE = 0.004
AREA_RAMP = (0.004, 0.01)


def occlusion(evidence: CardEvidence) -> Finding:
    return blob_finding(
        AlarmKind.OCCLUSION,
        evidence,
        occluder_mask(evidence),
        min_share=MIN_BLOB_SHARE,
        area_ramp=AREA_RAMP,
        what="object(s)",
    )


def occluder_mask(evidence: CardEvidence) -> npt.NDArray[np.uint8]:
    """Thick coloured or dark blobs, outside the boxes that are coloured by design."""
    coloured = chroma(evidence) >= MIN_CHROMA
    dark = evidence.lab[..., 0] <= MAX_DARK_L * 255 / 100
    mask = ((coloured | dark | _shaded(evidence)) & evidence.in_photo).astype(np.uint8) * 255
    for x0, y0, x1, y1 in evidence.fixed_boxes().values():
        mask[y0:y1, x0:x1] = 0
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (OPENING_PX, OPENING_PX))
    return np.asarray(cv2.morphologyEx(mask, cv2.MORPH_OPEN, disc), dtype=np.uint8)


def _shaded(evidence: CardEvidence) -> npt.NDArray[np.bool_]:
    """Smooth areas well below the card's ground around them."""
    gray = evidence.gray
    unprinted = cv2.medianBlur(gray, 9)  # thin print gone
    capped = np.minimum(unprinted, np.uint8(np.percentile(gray, 75)))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ENVELOPE_PX, ENVELOPE_PX))
    ground = cv2.GaussianBlur(cv2.dilate(capped, disc).astype(np.float32), (0, 0), 25)
    values = gray.astype(np.float32)
    mean = cv2.blur(values, (9, 9))
    std = np.sqrt(np.maximum(cv2.blur(values * values, (9, 9)) - mean * mean, 0.0))
    return np.asarray((ground - unprinted >= MIN_SHADE) & (std <= MAX_LOCAL_STD))
