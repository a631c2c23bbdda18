"""Orient: flatten a located card to the canonical upright image and find its rotation.

The warp makes the card landscape (deciding 90 vs 0); the text-direction classifier, voting
over the detected text lines, decides whether it is upside down (180 vs 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .. import geometry
from ..engine import DetectedBox, OcrEngine
from ..geometry import CARD_HEIGHT, CARD_WIDTH, Quad
from .locate import CardCandidate
from .timing import stopwatch

# The flattened card's smallest print is ~25 px high at 1024 px: still ~11 px at 448, where
# detection costs a quarter of 736 and 0.77x of 512 (same accuracy on the photo benchmark).
DETECT_SIDE = 448
# The longest lines carry the orientation; a few of them decide it.
VOTING_LINES = 6
MIN_TEXT_LINES = 2


@dataclass(frozen=True)
class OrientedCard:
    image: npt.NDArray[np.uint8]
    """The card flattened to CARD_WIDTH x CARD_HEIGHT, upright."""
    quad: Quad
    """Corners in the original image: the card's own top-left first, clockwise."""
    rotation: float
    """Degrees the card is turned clockwise in the original image."""
    text_boxes: tuple[DetectedBox, ...]
    """Text regions on the flattened card, in its coordinates."""
    slant: float
    """Median tilt of the text lines in degrees: near 0 when the outline was right."""
    candidate: CardCandidate
    elapsed_ms: float

    @property
    def print_upright(self) -> bool:
        """Whether more of the text lines stand upright than lie flat. A card's print runs
        along its long side, so such an outline is not one card's: two cards stacked,
        turned to landscape as one, read as nothing but cost a recognition of every line."""
        upright = sum(_is_vertical_line(box.quad) for box in self.text_boxes)
        return upright > sum(_is_horizontal_line(box.quad) for box in self.text_boxes)


def orient_card(
    image: npt.NDArray[np.uint8], candidate: CardCandidate, engine: OcrEngine
) -> OrientedCard:
    with stopwatch() as elapsed:
        quad = candidate.quad
        top, right, _, _ = geometry.side_lengths(quad)
        if top < right:
            quad = geometry.rotate_quad(quad, 1)
        flat = geometry.warp_quad(image, quad, CARD_WIDTH, CARD_HEIGHT)
        boxes = engine.detect(flat, DETECT_SIDE)
        if _upside_down(flat, boxes, engine):
            quad = geometry.rotate_quad(quad, 2)
            flat = np.ascontiguousarray(flat[::-1, ::-1])
            boxes = [_turn_box(box) for box in boxes]
    return OrientedCard(
        flat, quad, _rotation(quad), tuple(boxes), _slant(boxes), candidate, elapsed[0]
    )


def reorient(
    image: npt.NDArray[np.uint8],
    card: OrientedCard,
    quad: Quad,
    correction: npt.NDArray[np.float64],
) -> OrientedCard:
    """The same card flattened again from a corrected outline `quad`, already upright.

    Its text boxes are carried over by `correction` (old flattened to new flattened
    coordinates) rather than detected again: the correction only moves them a little.
    """
    with stopwatch() as elapsed:
        flat = geometry.warp_quad(image, quad, CARD_WIDTH, CARD_HEIGHT)
        boxes = [
            DetectedBox(geometry.map_points(box.quad, correction), box.score)
            for box in card.text_boxes
        ]
    return OrientedCard(
        flat,
        quad,
        _rotation(quad),
        tuple(boxes),
        _slant(boxes),
        card.candidate,
        card.elapsed_ms + elapsed[0],
    )


def _upside_down(flat: npt.NDArray[np.uint8], boxes: list[DetectedBox], engine: OcrEngine) -> bool:
    wide = sorted(
        (b for b in boxes if _is_horizontal_line(b.quad)),
        key=lambda b: -geometry.side_lengths(geometry.order_quad(b.quad))[0],
    )[:VOTING_LINES]
    if len(wide) < MIN_TEXT_LINES:
        return False
    crops = [geometry.crop_quad(flat, geometry.order_quad(b.quad)) for b in wide]
    votes = engine.upside_down(crops)
    # Longer lines carry more evidence than single characters.
    weights = [geometry.side_lengths(geometry.order_quad(b.quad))[0] for b in wide]
    score = float(sum(w * (2 * v - 1) for w, v in zip(weights, votes, strict=True)))
    return score > 0


def _is_horizontal_line(quad: Quad) -> bool:
    top, right, _, _ = geometry.side_lengths(geometry.order_quad(quad))
    return bool(top > 1.5 * right)


def _is_vertical_line(quad: Quad) -> bool:
    top, right, _, _ = geometry.side_lengths(geometry.order_quad(quad))
    return bool(right > 1.5 * top)


def _slant(boxes: list[DetectedBox]) -> float:
    tilts = []
    for box in boxes:
        quad = geometry.order_quad(box.quad)
        if _is_horizontal_line(quad):
            dx, dy = quad[1] - quad[0]
            tilts.append(abs(math.degrees(math.atan2(float(dy), float(dx)))))
    return float(np.median(tilts)) if tilts else 0.0


def _turn_box(box: DetectedBox) -> DetectedBox:
    turned = np.array([CARD_WIDTH, CARD_HEIGHT], dtype=np.float32) - box.quad
    return DetectedBox(geometry.order_quad(turned), box.score)


def _rotation(quad: Quad) -> float:
    dx, dy = quad[1] - quad[0]
    return math.degrees(math.atan2(float(dy), float(dx))) % 360.0
