"""Explain: when no card reads, the error that says best why (too blurred, too small, none)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from . import geometry
from .alarms.blur import blurred_photo, unreadably_blurry
from .errors import IdCardTooSmall, ImageBlur, NoIdCard
from .stages.locate import CardCandidate, locate_cards
from .stages.pale import looks_like_card, pale_card_shape

MIN_CARD_WIDTH_PX = 250
TINY_SEARCH_SIDE = 2160
# A pale, card-shaped, edgeless outline is a card blurred past reading only when it is big:
# smaller ones are as often pale things in a soft background (photo benchmark, seed 2028).
BLURRED_CARD_MIN_WIDTH_PX = 500


def explain_no_card(
    pixels: npt.NDArray[np.uint8],
    outlines: Sequence[CardCandidate],
    by_text: Sequence[CardCandidate],
    too_small: bool,
) -> NoReturn:
    """Raise the error that says best why no card was read. `by_text` are the cards located
    by their lines of print: a blurred pale card on pale ground loses its outline, but its
    print still shows as lines (7 of the 10 blur misses on alarm seeds 31 and 41)."""
    # Lines of print tell a small card from a pale soft thing, which an outline cannot.
    floors = [(c, BLURRED_CARD_MIN_WIDTH_PX) for c in outlines]
    floors += [(c, MIN_CARD_WIDTH_PX) for c in by_text]
    if any(_blurred_card(pixels, c, floor) for c, floor in floors):
        raise ImageBlur("the card is too blurred to read: hold the camera still and focus")
    if too_small or _tiny_card_in(pixels):
        raise IdCardTooSmall(f"the card is under {MIN_CARD_WIDTH_PX} px wide: photograph it closer")
    if blurred_photo(pixels):
        raise ImageBlur("the photo is too blurred to find a card: hold still and focus")
    raise NoIdCard("no identity card was found in the image")


def _blurred_card(
    pixels: npt.NDArray[np.uint8], candidate: CardCandidate, min_width: float
) -> bool:
    height, width = pixels.shape[:2]
    return (
        # A card the frame cuts has a hard, false edge and unreadable parts anyway.
        geometry.within_frame(candidate.quad, width, height)
        and width_px(candidate) >= min_width
        and pale_card_shape(pixels, candidate.quad)
        and unreadably_blurry(pixels, candidate.quad)
    )


def _tiny_card_in(pixels: npt.NDArray[np.uint8]) -> bool:
    """Look again, at a finer scale, for a card too small for the first pass to outline."""
    located = locate_cards(pixels, work_side=TINY_SEARCH_SIDE)
    return any(
        width_px(c) < MIN_CARD_WIDTH_PX and looks_like_card(pixels, c.quad)
        for c in located.candidates
        if not c.whole_frame
    )


def width_px(candidate: CardCandidate) -> float:
    return float(max(geometry.side_lengths(candidate.quad)))
