"""Locate by text: where no outline stands out (a card on white paper, on busy texture), the
card's printed lines still do. Text lines of one card share one direction and sit together;
their extent predicts the card, whose sides are then snapped to the strongest straight edges
nearby.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..engine import DetectedBox, OcrEngine
from ..geometry import Quad
from .locate import CardCandidate, gradient_magnitude

# Text is looked for at growing scales, each a detection pass dearer than the last: a large
# card's print is plain at 640 px (a fifth of the cost of 1280), a small card's needs more.
COARSE_DETECT_SIDE = 640
DETECT_SIDE = 1280
FINE_DETECT_SIDE = 1920
# The finest scale is for a card of ~370-480 px in a photo of 3,000-4,000, which no outline
# showed, and runs on every big photo in which nothing read (no card, a card too small to
# read): over the whole frame it took 1.5-2.2 s of CPU, ~70% of such a photo. Some of a
# card's print shows at the coarser scales already (lines, or blocks of them), so it looks
# only around what they found, as far as such a card reaches: a card wider than this share
# of the photo's longer side has its print read at DETECT_SIDE. Over windows this large a
# share of the frame, the whole frame is searched.
FINE_CARD_SHARE = 0.15
MAX_WINDOWS_SHARE = 0.5
MIN_LINES = 3
# Rows of one card are at most ~2 text heights apart; two cards side by side, further.
MAX_LINE_GAP = 4.0
# A card is about 20 text heights tall: a group of lines spanning more holds two cards.
MAX_GROUP_SPAN = 18.0
# Printed text spans about three quarters of the card's height on either side.
TEXT_HEIGHT_SHARE = 0.74
SNAP_BAND = 0.12
TEXT_CENTRE_SHIFTS = (-0.08, 0.0, 0.08)
# How far the short sides may sit from where the card's aspect puts them (perspective).
ASPECT_TOLERANCE = 0.07
SNAP_STEPS = 15
LINE_SAMPLES = 32


def locate_by_text(
    image: npt.NDArray[np.uint8],
    engine: OcrEngine,
    detect_side: int = DETECT_SIDE,
    near: Sequence[Quad] | None = None,
) -> tuple[list[CardCandidate], list[Quad]]:
    """Card candidates predicted from clusters of text lines, best supported first, and the
    lines found, in `image`'s pixels. With `near` (lines found before), only around those."""
    # Edges are snapped to at no coarser a scale than DETECT_SIDE whatever the detection's:
    # at 640 px the border of a tight crop is lost and the card comes out a trapezoid.
    scale = min(1.0, max(detect_side, DETECT_SIDE) / max(image.shape[:2]))
    small = np.asarray(
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    if near is None:
        # The engine scales `small` to `detect_side` itself and answers in its pixels.
        found = engine.detect(small, detect_side)
    else:
        found = _detect_near(small, engine, [geometry.scale_quad(q, scale) for q in near])
    lines = [b for b in found if _is_line(b)]
    seen = [geometry.scale_quad(b.quad, 1 / scale) for b in lines]
    groups = _cluster(lines)
    if not groups:
        return [], seen
    gradient = gradient_magnitude(small)
    candidates = []
    for group in groups:
        guesses = [_snap_to_edges(q, gradient) for q in _card_guesses(group)]
        quad, _ = max(guesses, key=lambda guess: guess[1])
        candidates.append(
            CardCandidate(geometry.scale_quad(quad, 1 / scale), float(len(group)), False, False)
        )
    return sorted(candidates, key=lambda c: c.score, reverse=True), seen


def _detect_near(
    image: npt.NDArray[np.uint8], engine: OcrEngine, seen: list[Quad]
) -> list[DetectedBox]:
    """Text regions at `image`'s own scale within a card's width of the lines `seen`."""
    height, width = image.shape[:2]
    windows = geometry.merged_rects([_card_window(q, width, height) for q in seen])
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in windows)
    if area > MAX_WINDOWS_SHARE * width * height:
        return engine.detect(image, max(height, width))
    boxes = []
    for x0, y0, x1, y1 in windows:
        window = np.ascontiguousarray(image[y0:y1, x0:x1])
        offset = np.array([x0, y0], np.float32)
        found = engine.detect(window, max(window.shape[:2]))
        boxes += [DetectedBox(box.quad + offset, box.score) for box in found]
    return boxes


def _card_window(line: Quad, width: int, height: int) -> geometry.Rect:
    """Where a card small enough to need the finest scale can lie if `line` is on it."""
    reach = FINE_CARD_SHARE * max(width, height)
    (x0, y0), (x1, y1) = line.min(axis=0) - reach, line.max(axis=0) + reach
    return (max(0, int(x0)), max(0, int(y0)), min(width, int(x1) + 1), min(height, int(y1) + 1))


class TextFinds:
    """`locate_by_text` of one image, each scale run once: a request that reads the image
    again (a card the frame cuts, after nothing else read) asks for scales it already ran.
    One per request and image, never shared."""

    def __init__(
        self, image: npt.NDArray[np.uint8], engine: OcrEngine, *, fine_near_print: bool = True
    ) -> None:
        self._image, self._engine = image, engine
        self._fine_near_print = fine_near_print
        self._found: dict[int, list[CardCandidate]] = {}
        self._lines: list[Quad] = []

    def __call__(self, detect_side: int) -> list[CardCandidate]:
        """The cards located by text at `detect_side`; at FINE_DETECT_SIDE, with
        `fine_near_print`, only near the lines the coarser scales run so far found."""
        if detect_side not in self._found:
            fine = detect_side == FINE_DETECT_SIDE and self._fine_near_print
            near = self._lines if fine else None
            found, lines = locate_by_text(self._image, self._engine, detect_side, near)
            self._found[detect_side] = found
            self._lines += lines
        return self._found[detect_side]

    def found(self) -> list[CardCandidate]:
        """The candidates of every scale run so far, finest last; runs none anew."""
        return [c for side in sorted(self._found) for c in self._found[side]]


def _is_line(box: DetectedBox) -> bool:
    top, right, _, _ = geometry.side_lengths(geometry.order_quad(box.quad))
    return bool(max(top, right) > 1.8 * min(top, right))


def _direction(box: DetectedBox) -> float:
    """Angle of the box's long side, in radians within [0, pi)."""
    quad = geometry.order_quad(box.quad)
    top, right, _, _ = geometry.side_lengths(quad)
    dx, dy = (quad[1] - quad[0]) if top >= right else (quad[2] - quad[1])
    return float(np.arctan2(dy, dx) % np.pi)


def _height(box: DetectedBox) -> float:
    return float(min(geometry.side_lengths(geometry.order_quad(box.quad))[:2]))


def _cluster(lines: list[DetectedBox]) -> list[list[DetectedBox]]:
    """Connected groups of lines that are near each other and run the same way."""
    groups: list[list[DetectedBox]] = []
    unseen = list(lines)
    while unseen:
        group = [unseen.pop()]
        for member in group:
            near = [b for b in unseen if _belong_together(member, b)]
            group += near
            unseen = [b for b in unseen if all(b is not n for n in near)]
        groups += _split_stacked(group)
    return [group for group in groups if len(group) >= MIN_LINES]


def _split_stacked(group: list[DetectedBox]) -> list[list[DetectedBox]]:
    """Split a group that spans more than one card across its lines at its widest gap."""
    if len(group) < 2 * MIN_LINES:
        return [group]
    angle = float(np.angle(np.mean(np.exp(2j * np.array([_direction(b) for b in group])))) / 2)
    across = np.array([-np.sin(angle), np.cos(angle)])
    order = sorted(group, key=lambda b: float(b.quad.mean(axis=0) @ across))
    positions = [float(b.quad.mean(axis=0) @ across) for b in order]
    span = positions[-1] - positions[0]
    if span < MAX_GROUP_SPAN * float(np.median([_height(b) for b in group])):
        return [group]
    cut = int(np.argmax(np.diff(positions))) + 1
    return _split_stacked(order[:cut]) + _split_stacked(order[cut:])


def _belong_together(a: DetectedBox, b: DetectedBox) -> bool:
    turn = abs(_direction(a) - _direction(b))
    if min(turn, np.pi - turn) > np.radians(12):
        return False
    gap = float(np.min(np.linalg.norm(a.quad[:, None, :] - b.quad[None, :, :], axis=2)))
    return gap < MAX_LINE_GAP * max(_height(a), _height(b))


def _card_guesses(group: list[DetectedBox]) -> list[Quad]:
    """Card-shaped rectangles around the text, turned the way the text runs. The text sits
    left of centre on a front, right of centre on a back, and either side may be upside
    down: so three guesses, shifted along the lines."""
    angles = np.array([_direction(b) for b in group])
    angle = float(np.angle(np.mean(np.exp(2j * angles))) / 2)
    points = np.concatenate([b.quad for b in group])
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    upright = points @ rotation.T
    (x0, y0), (x1, y1) = upright.min(axis=0), upright.max(axis=0)
    height = max((y1 - y0) / TEXT_HEIGHT_SHARE, (x1 - x0) / 0.85 / geometry.CARD_ASPECT)
    width = height * geometry.CARD_ASPECT
    cy = (y0 + y1) / 2
    guesses = []
    for shift in TEXT_CENTRE_SHIFTS:
        cx = (x0 + x1) / 2 + shift * width
        corners = np.array(
            [
                [cx - width / 2, cy - height / 2],
                [cx + width / 2, cy - height / 2],
                [cx + width / 2, cy + height / 2],
                [cx - width / 2, cy + height / 2],
            ]
        )
        guesses.append(geometry.order_quad(corners @ rotation))
    return guesses


def _snap_to_edges(quad: Quad, gradient: npt.NDArray[Any]) -> tuple[Quad, float]:
    """Move each side, end by end, onto the strongest straight edge nearby.

    The long sides (top and bottom of the card) are snapped freely; the short ones as a pair
    whose distance keeps the card's aspect ratio, so that the portrait's edge, as straight as
    the card's, cannot pass for it.
    """
    center = quad.mean(axis=0)
    options = [_line_options(quad, index, center, gradient) for index in range(4)]
    lengths = geometry.side_lengths(quad)
    long_pair = (0, 2) if lengths[0] >= lengths[1] else (1, 3)
    short_pair = (1, 3) if long_pair == (0, 2) else (0, 2)
    sides: dict[int, _Line] = {}
    strength = 0.0
    for index in long_pair:
        lines, scores = options[index]
        sides[index] = lines[int(np.argmax(scores))]
        strength += float(scores.max())
    height = float(np.linalg.norm(_middle(sides[long_pair[0]]) - _middle(sides[long_pair[1]])))
    pair, pair_strength = _aspect_pair(options, short_pair, geometry.CARD_ASPECT * height)
    sides.update(pair)
    corners = [_crossing(sides[(i - 1) % 4], sides[i]) for i in range(4)]
    if any(c is None for c in corners):
        return quad, 0.0
    return geometry.order_quad(np.array(corners, dtype=np.float32)), strength + pair_strength


_Line = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
_Options = tuple[list[_Line], npt.NDArray[np.float64]]


def _line_options(quad: Quad, index: int, center: Any, gradient: npt.NDArray[Any]) -> _Options:
    """Lines near side `index`, each end moved along the outward normal, with their scores."""
    start = quad[index].astype(np.float64)
    end = quad[(index + 1) % 4].astype(np.float64)
    outward = _unit_normal(start, end, center)
    reach = SNAP_BAND * float(np.linalg.norm(quad[(index + 2) % 4] - quad[(index + 1) % 4]))
    offsets = np.linspace(-reach, reach, SNAP_STEPS)
    a, b = (grid.ravel() for grid in np.meshgrid(offsets, offsets, indexing="ij"))
    starts = start + a[:, None] * outward  # (K, 2)
    ends = end + b[:, None] * outward
    t = np.linspace(0.05, 0.95, LINE_SAMPLES)[None, :, None]
    points = starts[:, None, :] + t * (ends - starts)[:, None, :]  # (K, samples, 2)
    height, width = gradient.shape
    xs = np.clip(points[..., 0].astype(int), 0, width - 1)
    ys = np.clip(points[..., 1].astype(int), 0, height - 1)
    scores = gradient[ys, xs].mean(axis=1)
    lines: list[_Line] = list(zip(starts, ends, strict=True))
    return lines, np.asarray(scores, dtype=np.float64)


def _middle(line: _Line) -> npt.NDArray[np.float64]:
    return (line[0] + line[1]) / 2


def _aspect_pair(
    options: list[_Options], pair: tuple[int, int], width: float
) -> tuple[dict[int, _Line], float]:
    """The two opposite sides with the best summed edge strength about `width` apart."""
    (lines_a, scores_a), (lines_b, scores_b) = options[pair[0]], options[pair[1]]
    mids_a = np.array([_middle(line) for line in lines_a])
    mids_b = np.array([_middle(line) for line in lines_b])
    distance = np.linalg.norm(mids_a[:, None, :] - mids_b[None, :, :], axis=2)
    total = scores_a[:, None] + scores_b[None, :]
    total[np.abs(distance - width) > ASPECT_TOLERANCE * width] = -1.0
    a, b = np.unravel_index(int(np.argmax(total)), total.shape)
    return {pair[0]: lines_a[a], pair[1]: lines_b[b]}, float(total[a, b])


def _crossing(a: _Line, b: _Line) -> tuple[float, float] | None:
    return geometry.line_intersection(a[0], a[1] - a[0], b[0], b[1] - b[0])


def _unit_normal(start: Any, end: Any, center: Any) -> npt.NDArray[np.float64]:
    direction = (end - start) / max(float(np.linalg.norm(end - start)), 1e-6)
    normal = np.array([-direction[1], direction[0]])
    return normal if float(np.dot(normal, (start + end) / 2 - center)) > 0 else -normal
