"""Cut cards: a card the frame cuts, read as a last resort before "no card".

The frame can cut away a fifth or more of a card, and with it most of the words that tell
its side (the front's labels all sit on its left). Such a card is still worth reading: the
border alarm (-9101) says why the rest is missing. It is tried only when nothing else read,
and only in outlines that reach the frame's edge, where fewer side words will do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from .. import geometry
from ..standards import id_number_facts
from .locate import CardCandidate
from .locate_text import COARSE_DETECT_SIDE, DETECT_SIDE, TextFinds
from .parse import ParsedCard, side_words_anywhere
from .read import CardText

__all__ = ["MIN_SIDE_SCORE", "cut_candidates", "reads_as_side"]

MIN_SIDE_SCORE = 2.0
# A card the frame cuts has lost the side words along the cut: one in place will do, or a
# valid ID number (its check digit passes: no other print looks like that). Cut by a fifth
# or more both ways, its outline is only guessed from its text, too small, and no word sits
# where that guess puts it: then one side word anywhere (seed 71: three such cards, two
# fronts showing 民族, a back showing 签发机关, had read as no card at all).
MIN_CUT_SIDE_SCORE = 1.0
# An outline this near the frame's edge is cut by it, for reading it as a cut card. The
# border alarm counts 8 px (`alarms.border.MARGIN_PX`); this path was not measured at 8 px,
# so it keeps 3.
CUT_MARGIN_PX = 3.0
_ID_NUMBER = re.compile(r"[0-9]{17}[0-9Xx]")
MAX_PER_SOURCE = 4  # outlines, or cards located by their text at one scale


def cut_candidates(
    pixels: npt.NDArray[np.uint8], outlines: Sequence[CardCandidate], texts: TextFinds
) -> Iterator[CardCandidate]:
    """The outlines the frame cuts, then the cards located by their text that it cuts,
    coarse scale first; each text pass only when the caller asks for more."""
    yield from [c for c in outlines if cut_by_frame(pixels, c)][:MAX_PER_SOURCE]
    for side in (COARSE_DETECT_SIDE, DETECT_SIDE):
        found = texts(side)
        yield from [c for c in found if cut_by_frame(pixels, c)][:MAX_PER_SOURCE]


def cut_by_frame(pixels: npt.NDArray[np.uint8], candidate: CardCandidate) -> bool:
    """Whether the outline reaches the frame's edge (or past it)."""
    height, width = pixels.shape[:2]
    return not candidate.whole_frame and not geometry.within_frame(
        candidate.quad, width, height, -CUT_MARGIN_PX
    )


def reads_as_side(parsed: ParsedCard, text: CardText, cut: bool) -> bool:
    """Enough of a side's printed words in place; for a card the frame cuts, fewer."""
    if parsed.side_score >= MIN_SIDE_SCORE:
        return True
    return cut and (
        parsed.side_score >= MIN_CUT_SIDE_SCORE
        or side_words_anywhere(text, parsed.side) >= MIN_CUT_SIDE_SCORE
        or _valid_id_number_in(text)
    )


def _valid_id_number_in(text: CardText) -> bool:
    return any(
        id_number_facts(match.group(0).upper()).check_ok
        for line in text.lines
        for match in _ID_NUMBER.finditer(line.text.replace(" ", ""))
    )
