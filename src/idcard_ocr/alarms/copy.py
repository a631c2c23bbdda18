"""-9102 photocopy: the card's colour signature is missing.

A real card carries colour everywhere: blue labels (front), the red emblem (back), and a
guilloche whose tint drifts from pink to blue-green across the card. A copier loses it:
a black-and-white copy has no chroma at all, a colour copy keeps washed-out print on
paper-white ground. Chroma is measured after removing the card's median cast, so a
tinted light source does not pass for colour.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..result import AlarmKind
from .blur import ramp
from .evidence import CardEvidence, Finding

# Each ramp: (value where the score starts, value where it is certain), falling values.
# 99th-percentile chroma (after the cast is removed): a colourless card.
MONOCHROME_CHROMA = (20.0, 14.0)
# The guilloche tint's spread across the card, and the print's strongest chroma. An
# over-exposed card also loses its tint, but its labels, portrait and emblem keep colour.
TINT_SPREAD = (1.3, 1.0)
PRINT_CHROMA = (55.0, 45.0)
GRID = (6, 10)  # rows, columns of background cells for the tint spread


def chroma(evidence: CardEvidence) -> npt.NDArray[np.float32]:
    """Each pixel's distance from the card's median colour in the a*b* plane."""
    ab = evidence.lab[..., 1:]
    cast = np.median(ab.reshape(-1, 2), axis=0)
    return np.asarray(np.linalg.norm(ab - cast, axis=2), dtype=np.float32)


def monochrome_copy(evidence: CardEvidence) -> Finding:
    strongest = float(np.percentile(chroma(evidence), 99))
    score = ramp(-strongest, -MONOCHROME_CHROMA[0], -MONOCHROME_CHROMA[1])
    detail = f"strongest colour {strongest:.1f} (a*b* units)"
    return Finding(AlarmKind.MONOCHROME_COPY, score, detail=detail)


def photocopy(evidence: CardEvidence) -> Finding:
    spread = tint_spread(evidence)
    strongest = float(np.percentile(chroma(evidence), 99.5))
    washed = ramp(-strongest, -PRINT_CHROMA[0], -PRINT_CHROMA[1])
    untinted = ramp(-spread, -TINT_SPREAD[0], -TINT_SPREAD[1])
    score = min(untinted, washed)
    detail = f"guilloche tint spread {spread:.2f}, strongest print colour {strongest:.1f}"
    return Finding(AlarmKind.PHOTOCOPY, score, detail=detail)


def tint_spread(evidence: CardEvidence) -> float:
    """How much the background's mean a*b* varies between cells of the card."""
    lab = evidence.lab
    ground = lab[..., 0] > np.percentile(lab[..., 0], 40)  # light pixels: not print
    for x0, y0, x1, y1 in evidence.fixed_boxes().values():
        ground[y0:y1, x0:x1] = False  # the portrait or emblem is print, not ground
    rows, cols = GRID
    height, width = ground.shape
    means = []
    for r in range(rows):
        for c in range(cols):
            cell = np.s_[r * height // rows : (r + 1) * height // rows,
                         c * width // cols : (c + 1) * width // cols]  # fmt: skip
            if ground[cell].sum() > 50:
                means.append(lab[cell][ground[cell]][:, 1:].mean(axis=0))
    if len(means) < 4:
        return 0.0
    return float(np.linalg.norm(np.std(np.array(means), axis=0)))
