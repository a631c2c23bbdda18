"""-9101 incomplete border: part of the card lies outside the frame or on its edge."""

from __future__ import annotations

import numpy as np

from ..result import AlarmKind
from .evidence import CardEvidence, Finding

SAMPLES_PER_SIDE = 64
# A card edge this close to the frame's edge is taken to be cut by it.
MARGIN_PX = 3.0
# Share of the outline on or beyond the frame's edge that means a clearly cut card.
FULL_SCORE_SHARE = 0.08


def incomplete_border(evidence: CardEvidence) -> Finding:
    """Score the share of the card's outline that lies on or beyond the frame's edge."""
    height, width = evidence.photo.shape[:2]
    quad = evidence.quad.astype(np.float64)
    steps = np.linspace(0.0, 1.0, SAMPLES_PER_SIDE, endpoint=False)[:, None]
    outline = np.concatenate([quad[i] + steps * (quad[(i + 1) % 4] - quad[i]) for i in range(4)])
    cut = (
        (outline[:, 0] < MARGIN_PX)
        | (outline[:, 1] < MARGIN_PX)
        | (outline[:, 0] > width - 1 - MARGIN_PX)
        | (outline[:, 1] > height - 1 - MARGIN_PX)
    )
    share = float(cut.mean())
    return Finding(
        AlarmKind.INCOMPLETE_BORDER,
        min(1.0, share / FULL_SCORE_SHARE),
        detail=f"{share:.0%} of the outline on or beyond the frame's edge",
    )
