"""Blobs in a mask on the flattened card, as a finding: how much of the card, where, over what."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt

from ..geometry import CARD_HEIGHT, CARD_WIDTH, Quad
from ..result import AlarmKind
from .evidence import Box, CardEvidence, Finding, overlaps, ramp

Keep = Callable[[npt.NDArray[np.bool_]], bool]


def blob_finding(
    kind: AlarmKind,
    evidence: CardEvidence,
    mask: npt.NDArray[np.uint8],
    *,
    min_share: float,
    area_ramp: tuple[float, float],
    what: str,
    keep: Keep | None = None,
) -> Finding:
    """Score the share of the card under blobs of at least `min_share` that `keep` accepts;
    report each blob's outline and the fields (or portrait, or emblem) they overlap."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    card_area = CARD_WIDTH * CARD_HEIGHT
    blobs = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] >= min_share * card_area
        and (keep is None or keep(labels == i))
    ]
    if not blobs:
        return Finding(kind, 0.0)
    share = float(sum(stats[i, cv2.CC_STAT_AREA] for i in blobs)) / card_area
    boxes = [_box(stats[i]) for i in blobs]
    places = {**evidence.field_boxes(), **evidence.fixed_boxes()}
    covered = tuple(n for n, place in places.items() if any(overlaps(place, b) for b in boxes))
    score = ramp(share, *area_ramp)
    regions = tuple(_outline(labels == i) for i in blobs)
    detail = f"{len(blobs)} {what} over {share:.1%} of the card"
    return Finding(kind, score, regions, covered, detail)


def _box(stat: npt.NDArray[np.int32]) -> Box:
    x, y, w, h = (int(v) for v in stat[:4])
    return (x, y, x + w, y + h)


def _outline(blob: npt.NDArray[np.bool_]) -> Quad:
    points = cv2.findNonZero(blob.astype(np.uint8))
    return np.asarray(cv2.boxPoints(cv2.minAreaRect(points)), dtype=np.float32)
