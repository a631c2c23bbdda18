"""Locate: find every card in the photo as a quadrilateral.

Several cheap views of the image (brightness, colourfulness, edges) each propose
outlines; an outline is a card candidate when it is a convex four-sided shape whose sides
fit the card's 85.6 x 54 mm aspect under plausible perspective. Corners are then refined
by fitting straight lines to the outline's sides, which also undoes the rounded corners.
When nothing stands out, the whole frame is taken to be a tightly cropped card.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import Quad
from ..lanes import lanes, side_by_side
from .outlines import distinct_outlines
from .timing import stopwatch

WORK_SIDE = 720
# The smallest outline considered, as a share of a WORK_SIDE-square image: a finer search
# (a larger work side) thus finds smaller cards.
MIN_AREA_FRACTION = 0.003
# A card seen at up to ~30 degrees of tilt still has an aspect within these bounds.
MIN_ASPECT, MAX_ASPECT = 1.15, 2.2
MIN_FILL = 0.88
MAX_SIDE_RATIO = 1.6
# Refined corners move at most a tenth of a side (`_refine_corners`): bounds loosened by a
# fifth cannot turn away a shape that would pass once refined.
ROUGH_SLACK = 0.2
MIN_EDGE_SUPPORT = 0.6
PALE_MIN_VALUE, PALE_MAX_SATURATION = 170, 60
EDGE_SAMPLES = 24
EDGE_STRENGTH = 60.0


@dataclass(frozen=True)
class CardCandidate:
    quad: Quad
    """Corners in the original image, clockwise from the top-left (orientation not known)."""
    score: float
    touches_border: bool
    whole_frame: bool


@dataclass(frozen=True)
class LocatedCards:
    candidates: tuple[CardCandidate, ...]
    elapsed_ms: float


def locate_cards(
    image: npt.NDArray[Any],
    work_side: int = WORK_SIDE,
    frame: tuple[int, int] | None = None,
) -> LocatedCards:
    """Find card outlines, best first, at most one per region. `frame`: the height and width
    of the photo `image` is a preview of (`decode.decode_preview`), whose coordinates the
    outlines are then given in."""
    with stopwatch() as elapsed:
        height, width = frame or image.shape[:2]
        scale = min(1.0, work_side / max(height, width))
        # A preview is brought to the size the photo itself would give (as `fx` would round it).
        small = cv2.resize(
            image,
            (round(width * scale), round(height * scale)) if frame else None,
            fx=scale,
            fy=scale,
            interpolation=cv2.INTER_AREA,
        )
        # Dilated once here, not once per outline: a point near the edge counts as on it.
        edges = cv2.dilate(gradient_magnitude(small), np.ones((5, 5), np.uint8))
        # Opening cuts thin bright structures (mortar, wood grain, cables) off the card's blob.
        kernels = [
            cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
            for k in (5, max(7, max(small.shape[:2]) // 50) | 1)
        ]
        # The views are independent: on the lanes side by side (in process), in order.
        run = lanes().map if side_by_side() else map
        shapes = run(partial(_opened_shapes, kernels=kernels), _views(small))
        found = [
            _to_candidate(quad, score * support, scale, small.shape[:2])
            for quad, score in itertools.chain.from_iterable(shapes)
            if (support := _edge_support(quad, edges)) >= MIN_EDGE_SUPPORT
        ]
        # A tight crop shows no card outline: the whole frame is the last candidate.
        candidates = [*distinct_outlines(found), _whole_frame(width, height)]
    return LocatedCards(tuple(candidates), elapsed[0])


def _views(small: npt.NDArray[Any]) -> list[Callable[[], npt.NDArray[Any]]]:
    """Makers of binary images in which a card is likely one connected blob."""
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    hsv = cv2.cvtColor(blurred, cv2.COLOR_BGR2HSV)
    gray = cv2.cvtColor(blurred, cv2.COLOR_BGR2GRAY)
    pale = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    # Costliest first (shapes included, seed 16: 4.1, 2.8, 2.5 ms, then 1.1-1.7 each), so
    # that on the lanes none starts last and keeps one lane busy alone.
    return [
        partial(_equalised_edge_regions, gray),
        partial(_edge_regions, gray),
        partial(_textured, gray),
        partial(_otsu, gray),
        partial(_otsu, pale),
        partial(_pale, hsv),
        partial(_otsu, hsv[:, :, 1]),
        partial(_otsu, 255 - hsv[:, :, 1]),
    ]


def _opened_shapes(
    view: Callable[[], npt.NDArray[Any]], kernels: list[npt.NDArray[Any]]
) -> list[tuple[Quad, float]]:
    """The card shapes in the view, opened with each of the kernels."""
    mask = view()
    return [
        shape for k in kernels for shape in _card_shapes(cv2.morphologyEx(mask, cv2.MORPH_OPEN, k))
    ]


def gradient_magnitude(small: npt.NDArray[Any]) -> npt.NDArray[Any]:
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (3, 3), 0)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.magnitude(gx, gy))


def _edge_support(quad: Quad, edges: npt.NDArray[Any]) -> float:
    """Share of points along the outline that sit on a strong edge (`edges`: the dilated
    gradient magnitude): a real card's border is a step all the way round, a blob merged out
    of texture is not."""
    height, width = edges.shape
    starts = quad.astype(np.float32)
    ends = np.roll(starts, -1, axis=0)
    steps = _EDGE_STEPS[None, :, None]
    points = (starts[:, None, :] + steps * (ends - starts)[:, None, :]).reshape(-1, 2)
    x, y = points[:, 0], points[:, 1]
    inside = (x >= 0) & (x < width) & (y >= 0) & (y < height)
    if not inside.any():
        return 0.0
    # Truncation, not rounding, as int() did: the points are non-negative here.
    values = edges[y[inside].astype(int), x[inside].astype(int)]
    return float(np.count_nonzero(values > EDGE_STRENGTH) / np.count_nonzero(inside))


_EDGE_STEPS = np.linspace(0.1, 0.9, EDGE_SAMPLES)


def _otsu(channel: npt.NDArray[Any]) -> npt.NDArray[Any]:
    _, mask = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(mask, dtype=np.uint8)


def _pale(hsv: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Bright and nearly colourless, as a card is, against grass, gravel or wood."""
    mask = (hsv[:, :, 2] > PALE_MIN_VALUE) & (hsv[:, :, 1] < PALE_MAX_SATURATION)
    # Closing first fills the card's print and portrait, which are not pale.
    closing = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    return np.asarray(cv2.morphologyEx(mask.astype(np.uint8) * 255, cv2.MORPH_CLOSE, closing))


def _textured(gray: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Where fine detail is: the guilloche and print of a card lying on plain paper or cloth."""
    detail = cv2.convertScaleAbs(cv2.Laplacian(gray, cv2.CV_16S, ksize=3))
    return _otsu(cv2.GaussianBlur(detail, (0, 0), max(gray.shape) / 120))


def _edge_regions(gray: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Closed outlines from edges: the card border as the boundary of a filled region."""
    edges = cv2.Canny(gray, 20, 60)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(gray)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def _equalised_edge_regions(gray: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Edge regions after local contrast equalisation, which brings out a pale card's border
    on pale paper. A CLAHE object keeps buffers: one a call, for calls side by side."""
    return _edge_regions(cv2.createCLAHE(clipLimit=4.0, tileGridSize=(8, 8)).apply(gray))


def _card_shapes(mask: npt.NDArray[Any]) -> list[tuple[Quad, float]]:
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    min_area = MIN_AREA_FRACTION * WORK_SIDE**2
    shapes = []
    for contour in contours:
        if cv2.contourArea(contour) < min_area:
            continue
        rough = _rough_quad(contour)
        # Refining costs four line fits: only shapes roughly like a card are worth them.
        if rough is None or _card_likeness(rough, contour, ROUGH_SLACK) == 0:
            continue
        quad = _refine_corners(rough, contour)
        if _hugs_frame(quad, mask.shape[:2]):
            continue
        score = _card_likeness(quad, contour)
        if score > 0:
            shapes.append((quad, score))
    return shapes


def _rough_quad(contour: npt.NDArray[Any]) -> Quad | None:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return geometry.order_quad(approx)
    return None


def _refine_corners(quad: Quad, contour: npt.NDArray[Any]) -> Quad:
    """Fit a line to the middle of each side and intersect neighbours: sub-pixel corners."""
    points = contour.reshape(-1, 2).astype(np.float32)
    lines = []
    for start, end in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        side = _points_along(points, start, end)
        if len(side) < 8:
            return quad
        # Least squares, not a robust fit: the points are the middle of one side already,
        # and the Huber fit's iterations cost 8 ms a photo on the photo benchmark.
        vx, vy, x0, y0 = cv2.fitLine(side, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((float(vx), float(vy), float(x0), float(y0)))
    corners = [
        geometry.line_intersection(lines[i - 1][2:], lines[i - 1][:2], lines[i][2:], lines[i][:2])
        for i in range(4)
    ]
    if any(c is None for c in corners):
        return quad
    refined: Quad = np.array(corners, dtype=np.float32)
    if np.max(np.linalg.norm(refined - quad, axis=1)) > 0.1 * max(geometry.side_lengths(quad)):
        return quad
    return refined


def _points_along(
    points: npt.NDArray[np.float32], start: npt.NDArray[np.float32], end: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    direction = end - start
    length = float(np.linalg.norm(direction))
    if length < 1:
        return points[:0]
    unit = direction / length
    rel = points - start
    along = rel @ unit
    across = np.abs(rel[:, 0] * unit[1] - rel[:, 1] * unit[0])
    keep = (along > 0.15 * length) & (along < 0.85 * length) & (across < max(2.0, 0.02 * length))
    return np.asarray(points[keep], dtype=np.float32)


def _hugs_frame(quad: Quad, shape: tuple[int, ...]) -> bool:
    """The outline of the whole image is the background, not a card."""
    height, width = shape[:2]
    frame = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    return bool(np.all(np.linalg.norm(quad - frame, axis=1) < 0.04 * max(width, height)))


def _card_likeness(quad: Quad, contour: npt.NDArray[Any], slack: float = 0.0) -> float:
    """0 for shapes that cannot be a card; higher for fuller, better-proportioned ones.
    `slack` loosens every bound by that share, for corners not yet refined."""
    area = geometry.quad_area(quad)
    if area <= 0 or not cv2.isContourConvex(quad.astype(np.float32)):
        return 0.0
    fill = cv2.contourArea(contour) / area
    aspect = geometry.quad_aspect(quad)
    aspect = max(aspect, 1 / aspect)
    if fill < MIN_FILL * (1 - slack):
        return 0.0
    if not MIN_ASPECT * (1 - slack) <= aspect <= MAX_ASPECT * (1 + slack):
        return 0.0
    lengths = geometry.side_lengths(quad)
    # Opposite sides of a card under moderate perspective stay within a factor of ~1.6.
    most = MAX_SIDE_RATIO * (1 + slack)
    if max(lengths[0], lengths[2]) > most * min(lengths[0], lengths[2]):
        return 0.0
    if max(lengths[1], lengths[3]) > most * min(lengths[1], lengths[3]):
        return 0.0
    aspect_fit = 1.0 - min(abs(np.log(aspect / geometry.CARD_ASPECT)), 1.0)
    return float(min(fill, 1.0) * aspect_fit * np.sqrt(area))


def _to_candidate(
    quad: Quad, score: float, scale: float, small_shape: tuple[int, ...]
) -> CardCandidate:
    height, width = small_shape[:2]
    margin = 2.0
    touches = bool(
        np.any(quad[:, 0] < margin)
        or np.any(quad[:, 1] < margin)
        or np.any(quad[:, 0] > width - 1 - margin)
        or np.any(quad[:, 1] > height - 1 - margin)
    )
    return CardCandidate(geometry.scale_quad(quad, 1.0 / scale), score, touches, False)


def _whole_frame(width: int, height: int) -> CardCandidate:
    quad = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    return CardCandidate(quad, 0.0, True, True)
