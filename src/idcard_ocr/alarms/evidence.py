"""What every alarm detector sees of one card, and what it answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import CARD_HEIGHT, CARD_WIDTH, Quad
from ..layout import side_layout
from ..result import AlarmKind, CardSide, Check

Box = geometry.Rect
"""x0, y0, x1, y1 in flattened-card pixels."""

COLOUR_SCALE = 0.5
"""The scale of the colour views (`lab`, `chroma`) against the flattened card."""
# The national emblem on the back, as fractions of the card (measured on the template).
EMBLEM_BOX = (0.06, 0.09, 0.27, 0.44)
# L*a*b* from OpenCV's 8-bit levels with a* and b* moved back to 0 (one affine pass).
_CENTRE_AB = np.array([[1, 0, 0, 0], [0, 1, 0, -128], [0, 0, 1, -128]], np.float32)


@dataclass(frozen=True, eq=False)
class CardEvidence:
    """One read card: the photo, the card flattened upright, and what reading it found."""

    photo: npt.NDArray[np.uint8]
    """The decoded photo, BGR."""
    card: npt.NDArray[np.uint8]
    """The card flattened to CARD_WIDTH x CARD_HEIGHT, upright, BGR."""
    quad: Quad
    """The card's corners in the photo, its own top-left first, clockwise."""
    side: CardSide
    field_quads: Mapping[str, Quad] = field(default_factory=dict)
    """Where each field's text was read, in flattened-card coordinates."""
    field_confidences: Mapping[str, float] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    lines: tuple[str, ...] = ()
    """Every text line read on the card, for printed words no field holds."""

    # Derived views, computed once and shared by the detectors (cached_property writes the
    # instance __dict__ directly, which a frozen dataclass allows).
    @cached_property
    def gray(self) -> npt.NDArray[np.uint8]:
        return np.asarray(cv2.cvtColor(self.card, cv2.COLOR_BGR2GRAY), dtype=np.uint8)

    @cached_property
    def lab(self) -> npt.NDArray[np.float32]:
        """CIE L*a*b* with a* and b* centred on 0 (OpenCV's 8-bit Lab offsets them by 128),
        at COLOUR_SCALE: a quarter of the pixels cost a quarter."""
        # Every other pixel (nearest-neighbour resampling picks exactly those, faster than
        # copying a strided view), not their average: averaging would dull the print's
        # strongest colours, which tell a card from a colour copy.
        small = cv2.resize(
            self.card, None, fx=COLOUR_SCALE, fy=COLOUR_SCALE, interpolation=cv2.INTER_NEAREST
        )
        lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
        return np.asarray(cv2.transform(lab, _CENTRE_AB), dtype=np.float32)

    @cached_property
    def chroma(self) -> npt.NDArray[np.float32]:
        """Each pixel's distance from the card's median colour in the a*b* plane: colour
        with the light's cast removed (at COLOUR_SCALE, like `lab`)."""
        a, b = cv2.split(self.lab)[1:]
        # Every other pixel each way gives the same median at a quarter of the cost.
        cast_a, cast_b = (float(np.median(c[::2, ::2])) for c in (a, b))
        return np.asarray(cv2.magnitude(a - cast_a, b - cast_b), dtype=np.float32)

    @cached_property
    def in_photo(self) -> npt.NDArray[np.bool_]:
        """Which flattened-card pixels come from inside the photo (a cut card has others)."""
        height, width = self.photo.shape[:2]
        if geometry.within_frame(self.quad, width - 1, height - 1):
            # The card maps into its quad: every pixel samples the photo, none its outside.
            return np.ones((CARD_HEIGHT, CARD_WIDTH), bool)
        inside = np.full((height, width), 255, np.uint8)
        to_card = geometry.warp_matrix(self.quad, CARD_WIDTH, CARD_HEIGHT)
        flat = cv2.warpPerspective(inside, to_card, (CARD_WIDTH, CARD_HEIGHT))
        return np.asarray(cv2.erode(flat, np.ones((9, 9), np.uint8)) > 0)

    @cached_property
    def to_photo(self) -> npt.NDArray[np.float64]:
        """The homography from the flattened card to the photo."""
        return geometry.unwarp_matrix(self.quad, CARD_WIDTH, CARD_HEIGHT)

    def field_boxes(self) -> dict[str, Box]:
        """Each read field's bounding box on the flattened card, clipped to it."""
        return {name: box_of(quad) for name, quad in self.field_quads.items()}

    def fixed_boxes(self) -> dict[str, Box]:
        """Printed things at fixed places: the portrait (front) or the emblem (back)."""
        if self.side is CardSide.FRONT:
            return {"portrait": fraction_box(side_layout(CardSide.FRONT).portrait_box)}
        return {"emblem": fraction_box(EMBLEM_BOX)}


def ramp(value: float, start: float, full: float) -> float:
    """0 up to `start`, 1 from `full`, linear between: a score from a measurement."""
    return float(np.clip((value - start) / (full - start), 0.0, 1.0))


def level_percentiles(levels: npt.NDArray[np.integer], qs: Sequence[float]) -> list[float]:
    """np.percentile's (linear) answer for non-negative integer levels below 65536, read
    off their histogram: one counting pass instead of a partition per call, several times
    faster on a card's or a text line's pixels."""
    top = int(levels.max()) + 1
    counts = cv2.calcHist([np.ascontiguousarray(levels, np.uint16)], [0], None, [top], [0, top])
    ranks = np.cumsum(counts.ravel().astype(np.int64))
    positions = np.asarray(qs, np.float64) / 100 * (ranks[-1] - 1)
    below = np.floor(positions)
    # The level at rank r is the first whose cumulative count exceeds r.
    low = np.searchsorted(ranks, below, side="right")
    high = np.searchsorted(ranks, np.minimum(below + 1, ranks[-1] - 1), side="right")
    return [float(v) for v in low + (high - low) * (positions - below)]


def local_mean_std(
    gray: npt.NDArray[np.uint8], window: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Mean and standard deviation over a window x window box around each pixel."""
    mean, variance = _box_moments(gray, window)
    # In place: every fresh card-sized buffer costs as much in page faults as its filtering.
    variance -= cv2.multiply(mean, mean)
    np.maximum(variance, 0.0, out=variance)
    return mean, np.asarray(cv2.sqrt(variance, dst=variance), dtype=np.float32)


def locally_smooth(
    gray: npt.NDArray[np.uint8], window: int, max_std: float
) -> npt.NDArray[np.bool_]:
    """Where the standard deviation over a window x window box is at most `max_std`: what
    `local_mean_std` tells, with one card-sized buffer fewer and no square root."""
    mean, variance = _box_moments(gray, window)
    variance -= cv2.multiply(mean, mean, dst=mean)
    return np.asarray(variance <= max_std * max_std)


def _box_moments(
    gray: npt.NDArray[np.uint8], window: int
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """The mean and the mean square over each window x window box."""
    # Box sums straight from the 8-bit levels: exact, and about twice as fast as blurring
    # a float copy (no conversion pass, integer running sums).
    size = (window, window)
    mean = np.asarray(cv2.boxFilter(gray, cv2.CV_32F, size), dtype=np.float32)
    return mean, np.asarray(cv2.sqrBoxFilter(gray, cv2.CV_32F, size), dtype=np.float32)


def full_size(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A mask of a reduced view (e.g. at COLOUR_SCALE) at the flattened card's size."""
    size = (CARD_WIDTH, CARD_HEIGHT)
    return np.asarray(cv2.resize(mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0)


def scaled_box(box: Box, scale: float) -> Box:
    x0, y0, x1, y1 = box
    return (round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale))


def box_of(quad: Quad) -> Box:
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    return (
        max(0, int(x0)),
        max(0, int(y0)),
        min(CARD_WIDTH, int(x1)),
        min(CARD_HEIGHT, int(y1)),
    )


def fraction_box(box: tuple[float, float, float, float]) -> Box:
    x0, y0, x1, y1 = box
    return (
        round(x0 * CARD_WIDTH),
        round(y0 * CARD_HEIGHT),
        round(x1 * CARD_WIDTH),
        round(y1 * CARD_HEIGHT),
    )


def box_quad(box: Box) -> Quad:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


@dataclass(frozen=True)
class Finding:
    """One detector's answer: a score in [0, 1] and, where it makes sense, where it looked.

    `regions` are in flattened-card coordinates; `fields` names the fields they cover.
    """

    kind: AlarmKind
    score: float
    regions: tuple[Quad, ...] = ()
    fields: tuple[str, ...] = ()
    detail: str = ""


Detector = Callable[[CardEvidence], Finding]
