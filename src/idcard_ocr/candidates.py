"""Which located outlines are worth a detection pass, given the cards already read: each
pass costs a detection at least, and a recognition of every line found."""

from __future__ import annotations

from collections.abc import Sequence

from . import geometry
from .assemble import ReadCard
from .stages.locate import CardCandidate

MAX_CANDIDATES = 4
COARSE_FRAME_SLACK = 0.02
# The area of a second card against the first one's, under differing perspective.
SECOND_CARD_AREA = (0.4, 2.5)
# The largest printed part of a card (the portrait) covers about a sixth of it.
INNER_PART_SHARE = 0.3


def worth_reading(candidates: Sequence[CardCandidate]) -> list[CardCandidate]:
    """The outlines found, best first, as many as are worth a detection pass each."""
    return [c for c in candidates if not c.whole_frame][:MAX_CANDIDATES]


def unread(found: list[CardCandidate], read: list[ReadCard]) -> list[CardCandidate]:
    """Cards located by their text lines, other than those already read."""
    return [
        c
        for c in found
        if all(geometry.overlap_of_smaller(c.quad, r.oriented.quad) < 0.5 for r in read)
    ][:MAX_CANDIDATES]


def part_of(candidate: CardCandidate, card: ReadCard) -> bool:
    """Whether the outline is a small part of a card already read (its portrait, emblem or
    a block of print), which is no card itself and not worth a detection pass."""
    area = geometry.quad_area(candidate.quad)
    return area < INNER_PART_SHARE * geometry.quad_area(card.oriented.quad) and (
        geometry.overlap_of_smaller(candidate.quad, card.oriented.quad) > 0.8
    )


def similar_size(candidate: CardCandidate, card: ReadCard) -> bool:
    """Whether the outline could be a second card beside one already read: two cards in one
    photo are one size, give or take perspective; smaller outlines around it are a phone, a
    spoon or a coin, and not worth a detection pass each."""
    ratio = geometry.quad_area(candidate.quad) / geometry.quad_area(card.oriented.quad)
    return SECOND_CARD_AREA[0] <= ratio <= SECOND_CARD_AREA[1]


def reaches_past_frame(card: ReadCard, width: int, height: int) -> bool:
    """Whether the card read reaches past the frame (by more than a little slack)."""
    slack = COARSE_FRAME_SLACK * max(width, height)
    return not geometry.within_frame(card.oriented.quad, width, height, slack)
