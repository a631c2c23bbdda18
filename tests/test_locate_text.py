"""Cards located by their print: the finest scale looks only near what coarser ones saw.

The engine here is a stand-in that answers fixed text regions and records what it was asked
to search: this tests where the search goes (reading a far card for real:
tests/e2e/test_sdk_photos.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from idcard_ocr.engine import DetectedBox, Recognition
from idcard_ocr.geometry import merged_rects
from idcard_ocr.stages.locate_text import (
    COARSE_DETECT_SIDE,
    DETECT_SIDE,
    FINE_CARD_SHARE,
    FINE_DETECT_SIDE,
    TextFinds,
)

PHOTO = np.full((3000, 4000, 3), 128, np.uint8)
# A line in the 1280 px view of PHOTO (scale 0.32), the only print the coarser scales see.
LINE_AT_1280 = np.array([[600, 400], [700, 400], [700, 412], [600, 412]], np.float32)


class RecordingEngine:
    """Answers LINE_AT_1280 at DETECT_SIDE and a line at each window's top left at the
    finest scale; records the size of every image searched."""

    def __init__(self, print_at_1280: bool) -> None:
        self.searched: list[tuple[int, int]] = []
        self._print_at_1280 = print_at_1280

    def detect(self, image: np.ndarray, max_side: int) -> list[DetectedBox]:
        self.searched.append(image.shape[:2])
        if max_side == DETECT_SIDE and self._print_at_1280:
            return [DetectedBox(LINE_AT_1280, 0.9)]
        if max_side < DETECT_SIDE or not self._print_at_1280:
            return []
        return [DetectedBox(np.array([[0, 0], [60, 0], [60, 8], [0, 8]], np.float32), 0.9)]

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Recognition]:
        raise AssertionError("locating reads nothing")

    def upside_down(self, crops: Sequence[np.ndarray]) -> list[float]:
        raise AssertionError("locating reads nothing")


def test_the_finest_scale_searches_nothing_when_no_print_showed() -> None:
    engine = RecordingEngine(print_at_1280=False)
    texts = TextFinds(PHOTO, engine)
    for side in (COARSE_DETECT_SIDE, DETECT_SIDE, FINE_DETECT_SIDE):
        assert texts(side) == []
    assert len(engine.searched) == 2


def test_the_finest_scale_searches_around_the_print_coarser_ones_saw() -> None:
    engine = RecordingEngine(print_at_1280=True)
    texts = TextFinds(PHOTO, engine)
    for side in (COARSE_DETECT_SIDE, DETECT_SIDE, FINE_DETECT_SIDE):
        texts(side)
    (height, width) = engine.searched[-1]
    # The 1920 px view: the line 150 x 18 px, and a small card's reach on every side.
    reach = FINE_CARD_SHARE * FINE_DETECT_SIDE
    assert (height, width) == (round(18 + 2 * reach) + 1, round(150 + 2 * reach) + 1)
    assert height * width < 0.2 * 1440 * 1920


def test_overlapping_windows_merge_into_one() -> None:
    merged = merged_rects([(0, 0, 10, 10), (50, 50, 60, 60), (5, 5, 55, 55), (100, 0, 110, 5)])
    assert sorted(merged) == [(0, 0, 60, 60), (100, 0, 110, 5)]
