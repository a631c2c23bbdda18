"""Rectify: correct an approximate card outline from where the printed text was found.

An outline guessed from text (or snapped to a wrong edge) flattens the card slightly off:
shifted, squeezed or sheared. The printed labels, the title and the ID number sit at known
places on every card, so their positions on the flattened image fit the correction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import CARD_HEIGHT, CARD_WIDTH, Quad
from ..layout import side_layout
from ..result import CardSide
from .read import CardText, TextLine
from .timing import stopwatch

MIN_ANCHORS = 4
# With this many anchors a full perspective correction is well determined; fewer, an affine.
MIN_ANCHORS_FOR_PERSPECTIVE = 7
# Corrections smaller than this share of the card width are not worth a second reading.
MIN_CORRECTION = 0.015
MAX_CORRECTION = 0.5
# A correction is trusted only where its anchors agree: fitted to the label column and the
# ID number's start, with its end left out as an outlier, a homography sheared the card's
# far side (seed 71's #230: the portrait cut off, an occlusion raised on what came in). The
# anchors the fit keeps must reach this share of all the anchors' extent, both ways.
MIN_INLIER_REACH = 0.75
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")


@dataclass(frozen=True)
class Rectified:
    quad: Quad | None
    """The corrected outline in the original image; None when no correction is needed."""
    correction: npt.NDArray[np.float64] | None
    """The homography from the current flattened card to the corrected one (with `quad`)."""
    anchors: int
    elapsed_ms: float


def rectify(quad: Quad, text: CardText, side: CardSide) -> Rectified:
    with stopwatch() as elapsed:
        found, canonical = _anchor_points(text.lines, side)
        matrix = _correction(found, canonical) if len(found) >= MIN_ANCHORS else None
        corrected = None if matrix is None else _corrected_quad(quad, matrix)
    if corrected is None:
        return Rectified(None, None, len(found), elapsed[0])
    return Rectified(corrected, matrix, len(found), elapsed[0])


def _anchor_points(
    lines: tuple[TextLine, ...], side: CardSide
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Pairs of (where found on the flattened card, where the layout prints it), in pixels."""
    anchors = side_layout(side).anchors
    found: list[tuple[float, float]] = []
    canonical: list[tuple[float, float]] = []
    for line in lines:
        text = line.text.replace(" ", "")
        key = (
            "ID_NUMBER"
            if _ID_NUMBER.match(text)
            else next((k for k in anchors if text.startswith(k)), None)
        )
        if key is None:
            continue
        left, right, y = anchors[key]
        middle_y = float(line.quad[:, 1].mean())
        found.append((float(line.quad[:, 0].min()), middle_y))
        canonical.append((left * CARD_WIDTH, y * CARD_HEIGHT))
        if right is not None and (text == key or key == "ID_NUMBER"):
            found.append((float(line.quad[:, 0].max()), middle_y))
            canonical.append((right * CARD_WIDTH, y * CARD_HEIGHT))
    return found, canonical


def _correction(
    found: list[tuple[float, float]], canonical: list[tuple[float, float]]
) -> npt.NDArray[np.float64] | None:
    """The homography taking where the anchors were found to where the layout prints them."""
    source, target = np.array(found, np.float32), np.array(canonical, np.float32)
    threshold = 0.015 * CARD_WIDTH
    if len(found) >= MIN_ANCHORS_FOR_PERSPECTIVE:
        matrix, inliers = cv2.findHomography(source, target, cv2.RANSAC, threshold)
    else:
        affine, inliers = cv2.estimateAffine2D(
            source, target, method=cv2.RANSAC, ransacReprojThreshold=threshold
        )
        matrix = None if affine is None else np.vstack([affine, [0.0, 0.0, 1.0]])
    if matrix is None or int(inliers.sum()) < MIN_ANCHORS:
        return None
    kept = source[inliers.ravel() > 0]
    if np.any(np.ptp(kept, axis=0) < MIN_INLIER_REACH * np.ptp(source, axis=0)):
        return None
    return np.asarray(matrix, dtype=np.float64)


def _corrected_quad(quad: Quad, matrix: npt.NDArray[np.float64]) -> Quad | None:
    """The card's true corners in the original image, unless the correction is negligible
    (not worth a second warp) or implausibly large (a misfit)."""
    # Where the true card corners lie on the current flattened image.
    corners = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    on_flat = geometry.map_points(corners, np.linalg.inv(matrix))
    shift = float(np.max(np.linalg.norm(on_flat - corners, axis=1))) / CARD_WIDTH
    if not MIN_CORRECTION < shift < MAX_CORRECTION:
        return None
    return geometry.map_points(on_flat, geometry.unwarp_matrix(quad, CARD_WIDTH, CARD_HEIGHT))
