"""Pure geometry: quadrilaterals, perspective warps and box maths. No I/O, no state."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from shapely.geometry import Polygon

Quad = npt.NDArray[np.float32]
"""Four (x, y) corners, shape (4, 2), clockwise from the top-left."""

# The card is ISO/IEC 7810 ID-1: 85.6 x 54 mm.
CARD_ASPECT = 85.6 / 54.0
CARD_WIDTH = 1024
CARD_HEIGHT = round(CARD_WIDTH / CARD_ASPECT)
_CORNERS = np.arange(4)


def order_quad(points: npt.ArrayLike) -> Quad:
    """Order four points clockwise starting from the one nearest the top-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    center = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - center[1], pts[:, 0] - center[0])
    pts = pts[np.argsort(angles)]
    start = int(np.argmin(pts.sum(axis=1)))
    return rotate_quad(pts, start)


def rotate_quad(quad: Quad, quarter_turns: int) -> Quad:
    """Relabel corners so the warp turns the content by 90 degrees clockwise per quarter turn."""
    # Indexing, not np.roll: these run thousands of times a photo, and np.roll's generality
    # cost 6 ms of CPU a card.
    return quad[(_CORNERS + quarter_turns) % 4]


def side_lengths(quad: Quad) -> npt.NDArray[np.float64]:
    """Lengths of the top, right, bottom and left sides."""
    steps = quad - rotate_quad(quad, 1)
    return np.asarray(np.sqrt(np.add.reduce(steps * steps, axis=1)), dtype=np.float64)


def quad_aspect(quad: Quad) -> float:
    """Mean horizontal side over mean vertical side (about 1.59 for a card seen straight on)."""
    top, right, bottom, left = side_lengths(quad)
    return float((top + bottom) / max(left + right, 1e-6))


def quad_area(quad: Quad) -> float:
    return float(abs(cv2.contourArea(quad.astype(np.float32))))


def warp_matrix(quad: Quad, width: int, height: int) -> npt.NDArray[np.float64]:
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    return np.asarray(cv2.getPerspectiveTransform(quad.astype(np.float32), target))


def warp_quad(
    image: npt.NDArray[np.uint8], quad: Quad, width: int, height: int
) -> npt.NDArray[np.uint8]:
    """Flatten the quadrilateral into a width x height image."""
    matrix = warp_matrix(quad, width, height)
    flags = cv2.INTER_AREA if quad_area(quad) > width * height else cv2.INTER_LINEAR
    warped = cv2.warpPerspective(
        image, matrix, (width, height), flags=flags, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(warped, dtype=np.uint8)


def unwarp_matrix(quad: Quad, width: int, height: int) -> npt.NDArray[np.float64]:
    """The homography from the flattened width x height image back to the quad's image."""
    return np.asarray(np.linalg.inv(warp_matrix(quad, width, height)), dtype=np.float64)


def line_intersection(
    point_a: npt.ArrayLike,
    direction_a: npt.ArrayLike,
    point_b: npt.ArrayLike,
    direction_b: npt.ArrayLike,
) -> tuple[float, float] | None:
    """Where two lines, each a point and a direction, cross; None if (nearly) parallel."""
    p, d1 = np.asarray(point_a, np.float64), np.asarray(direction_a, np.float64)
    r, d2 = np.asarray(point_b, np.float64), np.asarray(direction_b, np.float64)
    det = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(det) < 1e-6 * float(np.linalg.norm(d1) * np.linalg.norm(d2)):
        return None
    t = ((r[0] - p[0]) * d2[1] - (r[1] - p[1]) * d2[0]) / det
    return float(p[0] + t * d1[0]), float(p[1] + t * d1[1])


def map_points(
    points: npt.ArrayLike, matrix: npt.NDArray[np.floating[Any]]
) -> npt.NDArray[np.float32]:
    """Apply a 3x3 homography to (N, 2) points."""
    pts = np.asarray(points, dtype=np.float32).reshape(-1, 1, 2)
    return np.asarray(cv2.perspectiveTransform(pts, matrix).reshape(-1, 2), dtype=np.float32)


def _intersection_area(a: Quad, b: Quad) -> float:
    # Shapely, not cv2.intersectConvexConvex: OpenCV's misjudges near-identical polygons.
    first, second = Polygon(a.tolist()).buffer(0), Polygon(b.tolist()).buffer(0)
    return float(first.intersection(second).area)


def quad_iou(a: Quad, b: Quad) -> float:
    """Intersection over union of two quadrilaterals."""
    inter = _intersection_area(a, b)
    union = quad_area(a) + quad_area(b) - inter
    return inter / union if union > 0 else 0.0


def overlap_of_smaller(a: Quad, b: Quad) -> float:
    """Share of the smaller quadrilateral that lies inside the other."""
    smaller = min(quad_area(a), quad_area(b))
    return _intersection_area(a, b) / smaller if smaller > 0 else 0.0


def scale_quad(quad: Quad, factor: float) -> Quad:
    return np.asarray(quad * factor, dtype=np.float32)


def expand_quad(quad: Quad, ratio: float) -> Quad:
    """Grow the quadrilateral around its centre by `ratio` of its size."""
    center = quad.mean(axis=0)
    return np.asarray(center + (quad - center) * (1.0 + ratio), dtype=np.float32)


def crop_quad(image: npt.NDArray[np.uint8], quad: Quad) -> npt.NDArray[np.uint8]:
    """Cut a (possibly tilted) text quadrilateral out as an upright rectangle."""
    top, right, bottom, left = side_lengths(quad)
    width = max(round(max(top, bottom)), 4)
    height = max(round(max(left, right)), 4)
    return warp_quad(image, quad, width, height)


def as_polygon(points: npt.ArrayLike) -> tuple[tuple[float, float], ...]:
    """(N, 2) points as a tuple of rounded (x, y) pairs: JSON-ready and hashable."""
    return tuple((round(float(x), 1), round(float(y), 1)) for x, y in np.asarray(points))


def within_frame(points: npt.ArrayLike, width: int, height: int, slack: float = 0.0) -> bool:
    """Whether every point lies inside a width x height frame, give or take `slack` px."""
    xy = np.asarray(points, dtype=np.float64)
    return bool(
        (xy >= -slack).all()
        and (xy[:, 0] < width + slack).all()
        and (xy[:, 1] < height + slack).all()
    )


def card_shaped(width: int, height: int, tolerance: float = 0.03) -> bool:
    """Whether a width x height frame has the card's aspect within `tolerance`: a scan or a
    tight crop, as camera frames (4:3, 3:2, 16:9) do not."""
    aspect = max(width, height) / min(width, height)
    return abs(aspect / CARD_ASPECT - 1) <= tolerance


def photo_scale(quad: Quad) -> float:
    """Photo pixels per flattened-card pixel, along the card's width (never zero)."""
    top, _, bottom, _ = side_lengths(quad)
    return max(float((top + bottom) / 2 / CARD_WIDTH), 1e-6)


def off_axis_degrees(segment: npt.ArrayLike) -> float:
    """Degrees between a segment (x0, y0, x1, y1) and the nearer of the x and y axes."""
    x0, y0, x1, y1 = np.asarray(segment, np.float64).ravel()
    angle = float(np.degrees(np.arctan2(y1 - y0, x1 - x0))) % 90
    return min(angle, 90 - angle)


def band_between(
    a: npt.ArrayLike, b: npt.ArrayLike, max_angle: float, gap: tuple[float, float]
) -> Quad | None:
    """The strip between two line segments (x0, y0, x1, y1) where they run side by side:
    None unless they are parallel within `max_angle` degrees, `gap` (least, most) apart, and
    side by side over at least half the shorter one."""
    a0, a1 = np.asarray(a, np.float64).reshape(2, 2)
    b0, b1 = np.asarray(b, np.float64).reshape(2, 2)
    along = (a1 - a0) / max(float(np.linalg.norm(a1 - a0)), 1e-9)
    other = (b1 - b0) / max(float(np.linalg.norm(b1 - b0)), 1e-9)
    if abs(float(np.dot(along, other))) < np.cos(np.radians(max_angle)):
        return None
    normal = np.array([-along[1], along[0]])
    offset = float(np.dot((b0 + b1) / 2 - a0, normal))
    if not gap[0] <= abs(offset) <= gap[1]:
        return None
    a_span = (0.0, float(np.dot(a1 - a0, along)))
    b_span = sorted((float(np.dot(b0 - a0, along)), float(np.dot(b1 - a0, along))))
    start, end = max(a_span[0], b_span[0]), min(a_span[1], b_span[1])
    if end - start < 0.5 * min(a_span[1], b_span[1] - b_span[0]):
        return None
    near = [a0 + along * start, a0 + along * end]
    corners = [*near, near[1] + normal * offset, near[0] + normal * offset]
    return order_quad(corners)


Rect = tuple[int, int, int, int]
"""x0, y0, x1, y1 in pixels, x1 and y1 exclusive."""


def merged_rects(rects: list[Rect]) -> list[Rect]:
    """`rects` with every two that overlap replaced by their bounding rectangle, until none
    overlap."""
    merged: list[Rect] = []
    for rect in rects:
        while (other := next((m for m in merged if rects_overlap(m, rect)), None)) is not None:
            merged.remove(other)
            rect = (
                min(rect[0], other[0]),
                min(rect[1], other[1]),
                max(rect[2], other[2]),
                max(rect[3], other[3]),
            )
        merged.append(rect)
    return merged


def rects_overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
