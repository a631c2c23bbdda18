"""Which of the outlines that locate found stand for distinct cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import geometry
from ..geometry import Quad

if TYPE_CHECKING:
    from .locate import CardCandidate

# An outline that is two others side by side (`_two_cards`): each of them this share of its
# area, this much inside it, and overlapping each other at most this much.
TWO_CARDS_HALF = (0.35, 0.65)
TWO_CARDS_INSIDE = 0.85
TWO_CARDS_APART = 0.1


def distinct_outlines(found: list[CardCandidate]) -> list[CardCandidate]:
    """The outlines that stand for distinct cards, best first: one per card seen in
    several views, and each of two cards side by side rather than both as one."""
    kept: list[CardCandidate] = []
    areas = [geometry.quad_area(c.quad) for c in found]
    parts = [
        c for c, area in zip(found, areas, strict=True) if not _two_cards(c, area, found, areas)
    ]
    for candidate in sorted(parts, key=lambda c: c.score, reverse=True):
        if not any(_same_region(candidate.quad, k.quad) for k in kept):
            kept.append(candidate)
    return kept


def _two_cards(
    outline: CardCandidate, area: float, found: list[CardCandidate], areas: list[float]
) -> bool:
    """Whether the outline is two outlines found side by side, each about half of it: two
    cards laid edge to edge (a card's front and back, often) merge into one blob in some
    views, which would otherwise outscore and hide both: its print then runs across it, it
    reads as nothing, and finding the cards by their text took up to a second more."""
    low, high = TWO_CARDS_HALF[0] * area, TWO_CARDS_HALF[1] * area
    halves = [
        c.quad
        for c, part in zip(found, areas, strict=True)
        if low <= part <= high
        and geometry.overlap_of_smaller(c.quad, outline.quad) >= TWO_CARDS_INSIDE
    ]
    return any(
        geometry.overlap_of_smaller(a, b) < TWO_CARDS_APART
        for i, a in enumerate(halves)
        for b in halves[i + 1 :]
    )


def _same_region(a: Quad, b: Quad) -> bool:
    """Overlapping outlines of about one size are one card seen twice; a much larger outline
    around a small one (the table under a card) is not."""
    areas = sorted((geometry.quad_area(a), geometry.quad_area(b)))
    similar = areas[0] >= 0.4 * areas[1]
    return similar and geometry.overlap_of_smaller(a, b) >= 0.3
