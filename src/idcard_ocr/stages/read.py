"""Read: recognise the text in every detected region of the flattened card, each line alone."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .. import geometry
from ..engine import OcrEngine
from ..geometry import CARD_HEIGHT, CARD_WIDTH, Quad
from .orient import OrientedCard
from .timing import stopwatch

# Recognition is steadier with a little air around the glyphs than with the tight DB box.
PAD_RATIO = 0.12


@dataclass(frozen=True)
class TextLine:
    text: str
    confidence: float
    quad: Quad
    """Corners on the flattened card, in pixels."""

    @property
    def x0(self) -> float:
        return float(self.quad[:, 0].min()) / CARD_WIDTH

    @property
    def x1(self) -> float:
        return float(self.quad[:, 0].max()) / CARD_WIDTH

    @property
    def y_center(self) -> float:
        return float(self.quad[:, 1].mean()) / CARD_HEIGHT

    @property
    def height(self) -> float:
        return float(self.quad[:, 1].max() - self.quad[:, 1].min()) / CARD_HEIGHT


@dataclass(frozen=True)
class CardText:
    lines: tuple[TextLine, ...]
    elapsed_ms: float


def read_text(card: OrientedCard, engine: OcrEngine) -> CardText:
    with stopwatch() as elapsed:
        quads = [geometry.order_quad(box.quad) for box in card.text_boxes]
        crops = [geometry.crop_quad(card.image, _padded(q)) for q in quads]
        readings = engine.recognize(crops)
        lines = tuple(
            TextLine(r.text.strip(), r.confidence, q)
            for r, q in zip(readings, quads, strict=True)
            if r.text.strip()
        )
    return CardText(lines, elapsed[0])


def carry_text(text: CardText, correction: npt.NDArray[np.float64]) -> CardText:
    """The lines already read, moved by `correction` onto a re-flattened card."""
    with stopwatch() as elapsed:
        lines = tuple(
            TextLine(line.text, line.confidence, geometry.map_points(line.quad, correction))
            for line in text.lines
        )
    return CardText(lines, elapsed[0])


def _padded(quad: Quad) -> Quad:
    _, right, _, left = geometry.side_lengths(quad)
    pad = PAD_RATIO * max(right, left)
    center = quad.mean(axis=0)
    direction = np.sign(quad - center)
    return np.asarray(quad + direction * pad, dtype=np.float32)
