"""-9102 photocopy: the card's colour signature is missing.

A real card carries colour everywhere: blue labels (front), the red emblem (back), and a
guilloche whose tint drifts from pink to blue-green across the card. A copier loses it:
a black-and-white copy has no chroma at all, a colour copy keeps washed-out print on
paper-white ground. Chroma is measured after removing the card's median cast, so a
tinted light source does not pass for colour.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ..result import AlarmKind, CardSide
from .evidence import COLOUR_SCALE, CardEvidence, Finding, level_percentiles, ramp, scaled_box

# Each ramp: (value where the score starts, value where it is certain), falling values.
# 99th-percentile chroma (after the cast is removed): a colourless card.
MONOCHROME_CHROMA = (20.0, 14.0)
# The guilloche tint's spread across the card, and the print's strongest chroma. An
# over-exposed card also loses its tint, but its labels, portrait and emblem keep colour.
# The back's red emblem is more saturated than anything on the front (a median 70 against
# 51 on the photos without a copy of seeds 31-113), and a faint colour copy keeps enough of
# it to pass the front's ramp (four backs of those seeds at 53-58, their tint spread 0.3-0.6).
TINT_SPREAD = (1.3, 1.0)
PRINT_CHROMA = {CardSide.FRONT: (55.0, 45.0), CardSide.BACK: (68.0, 58.0)}
GRID = (6, 10)  # rows, columns of background cells for the tint spread
MIN_CELL_GROUND_SHARE = 0.005  # of a cell's pixels: about 50 of a full-size cell's 11,000


def monochrome_copy(evidence: CardEvidence) -> Finding:
    """No colour, and no tint drifting across the ground: a back whose emblem the frame
    cuts off, or glare burns out, shows little colour but keeps its tint (spread 1.8-2.5 on
    seeds 31-131, against 0.93 at most on grey copies)."""
    strongest = float(np.percentile(evidence.chroma, 99))
    colourless = ramp(-strongest, -MONOCHROME_CHROMA[0], -MONOCHROME_CHROMA[1])
    detail = f"strongest colour {strongest:.1f} (a*b* units)"
    if not colourless:  # most cards: skip the tint, which `photocopy` measures too (2 ms)
        return Finding(AlarmKind.MONOCHROME_COPY, 0.0, detail=detail)
    spread = tint_spread(evidence)
    detail += f", guilloche tint spread {spread:.2f}"
    return Finding(AlarmKind.MONOCHROME_COPY, min(colourless, _untinted(spread)), detail=detail)


def photocopy(evidence: CardEvidence) -> Finding:
    spread = tint_spread(evidence)
    strongest = float(np.percentile(evidence.chroma, 99.5))
    colourful, faded = PRINT_CHROMA[evidence.side]
    washed = ramp(-strongest, -colourful, -faded)
    score = min(_untinted(spread), washed)
    detail = f"guilloche tint spread {spread:.2f}, strongest print colour {strongest:.1f}"
    return Finding(AlarmKind.PHOTOCOPY, score, detail=detail)


def _untinted(spread: float) -> float:
    return ramp(-spread, -TINT_SPREAD[0], -TINT_SPREAD[1])


def tint_spread(evidence: CardEvidence) -> float:
    """How much the background's mean a*b* varies between cells of the card."""
    lightness, a, b = cv2.split(evidence.lab)
    levels = lightness.astype(np.uint8)  # whole levels: 8-bit Lab's L
    light = level_percentiles(levels, (40,))[0]
    ground = (levels > light).astype(np.float32)  # light pixels: not print
    for box in evidence.fixed_boxes().values():
        x0, y0, x1, y1 = scaled_box(box, COLOUR_SCALE)
        ground[y0:y1, x0:x1] = 0.0  # the portrait or emblem is print, not ground
    share = _cell_means(ground)
    kept = share > MIN_CELL_GROUND_SHARE
    if kept.sum() < 4:
        return 0.0
    mean_a, mean_b = (_cell_means(ground * c)[kept] / share[kept] for c in (a, b))
    return float(np.hypot(mean_a.std(), mean_b.std()))


def _cell_means(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The mean over each cell of the GRID (area resampling averages exactly that)."""
    rows, cols = GRID
    return np.asarray(cv2.resize(values, (cols, rows), interpolation=cv2.INTER_AREA))
