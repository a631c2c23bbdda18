"""Locate's choice among the outlines it found: one card seen in several views is one
candidate; two cards side by side are two, even where a view merges them into one blob."""

from __future__ import annotations

import numpy as np

from idcard_ocr.stages.locate import CardCandidate
from idcard_ocr.stages.outlines import distinct_outlines


def _outline(x0: float, y0: float, x1: float, y1: float, score: float) -> CardCandidate:
    quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return CardCandidate(quad, score, False, False)


FRONT = _outline(0, 0, 430, 270, 170.0)
BACK = _outline(0, 290, 430, 560, 169.0)
BOTH = _outline(0, 0, 430, 560, 180.0)  # the two as one blob: larger, so it scores higher


def test_an_outline_made_of_two_cards_gives_way_to_them() -> None:
    assert distinct_outlines([BOTH, FRONT, BACK]) == [FRONT, BACK]


def test_an_outline_around_one_card_still_stands_for_it() -> None:
    assert distinct_outlines([BOTH, FRONT]) == [BOTH]
    again = _outline(2, 1, 431, 272, 160.0)  # the front seen in another view
    assert distinct_outlines([FRONT, again, BACK]) == [FRONT, BACK]
