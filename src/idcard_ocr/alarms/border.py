"""-9101 incomplete border: part of the card lies outside the frame or on its edge."""

from __future__ import annotations

import numpy as np

from .. import geometry
from ..result import AlarmKind
from .evidence import CardEvidence, Finding

SAMPLES_PER_SIDE = 64
# A card edge this close to the frame's edge is taken to be cut by it.
MARGIN_PX = 3.0
# Share of the outline on or beyond the frame's edge that means a clearly cut card.
FULL_SCORE_SHARE = 0.08
# A frame shaped like a card and filled by it is a scan or a tight crop of the whole card,
# not a card cut by the frame: camera frames are 4:3 or 16:9, a card is 1.585:1.
CROP_ASPECT_TOLERANCE = 0.03
CROP_FILL_SHARE = 0.85
CROP_CORNER_SLACK = 0.02


def incomplete_border(evidence: CardEvidence) -> Finding:
    """Score the share of the card's outline that lies on or beyond the frame's edge."""
    height, width = evidence.photo.shape[:2]
    if _tight_crop(evidence.quad, width, height):
        return Finding(
            AlarmKind.INCOMPLETE_BORDER, 0.0, detail="the card fills a card-shaped frame"
        )
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


def _tight_crop(quad: geometry.Quad, width: int, height: int) -> bool:
    aspect = max(width, height) / min(width, height)
    shaped_like_card = abs(aspect / geometry.CARD_ASPECT - 1) <= CROP_ASPECT_TOLERANCE
    slack = CROP_CORNER_SLACK * max(width, height)  # an outline found from the text is rough
    corners_inside = geometry.within_frame(quad, width, height, slack)
    filled = geometry.quad_area(quad) >= CROP_FILL_SHARE * width * height
    return shaped_like_card and corners_inside and filled
