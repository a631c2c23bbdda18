"""What runs side by side in process (`lanes`) reads as it would one piece after the other."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cards import flat_card, photo
from idcard_ocr import geometry
from idcard_ocr.engine import RapidOcrEngine
from idcard_ocr.line_reading import read_lines
from idcard_ocr.stages.decode import decode_image
from idcard_ocr.stages.locate import locate_cards
from opencv_threads import opencv_threads


@pytest.mark.parametrize("side_by_side", [False, True])
def test_each_crop_gets_its_own_reading_in_order(side_by_side: bool) -> None:
    widths = [480, 90, 300, 455, 150, 210, 470, 95, 320]
    crops = [np.zeros((48, width, 3), np.uint8) for width in widths]
    threads: set[str] = set()

    def read(crop: np.ndarray) -> tuple[str, float]:
        threads.add(threading.current_thread().name)
        return str(crop.shape[1]), 1.0

    readings = read_lines(read, crops, side_by_side)
    assert [text for text, _ in readings] == [str(width) for width in widths]
    assert {name.startswith("lanes-") for name in threads} == {side_by_side}


def test_a_card_reads_the_same_on_two_lanes_as_on_one_thread() -> None:
    image, _ = flat_card(7, "FRONT")
    card = decode_image(image).pixels
    one, two = RapidOcrEngine(threads=1), RapidOcrEngine(threads=2)
    boxes = one.detect(card, 960)
    crops = [geometry.crop_quad(card, geometry.order_quad(box.quad)) for box in boxes]
    assert len(crops) >= 7
    assert two.recognize(crops) == one.recognize(crops)


def test_a_card_votes_the_same_on_two_lanes_as_on_one_thread() -> None:
    """The orientation classifier scores halves of the lines on the lanes: each line's score
    is the one a single batch gives, upright and turned over."""
    image, _ = flat_card(8, "BACK")
    card = decode_image(image).pixels
    one, two = RapidOcrEngine(threads=1), RapidOcrEngine(threads=2)
    boxes = one.detect(card, 960)
    crops = [geometry.crop_quad(card, geometry.order_quad(box.quad)) for box in boxes][:6]
    turned = [np.ascontiguousarray(crop[::-1, ::-1]) for crop in crops]
    assert len(crops) >= 4
    assert two.upside_down(crops) == one.upside_down(crops)
    assert two.upside_down(turned) == one.upside_down(turned)
    assert all(score > 0.5 for score in one.upside_down(turned))


@pytest.mark.parametrize(("seed", "category"), [(3, "perspective"), (4, "two_sided")])
def test_locate_finds_the_same_outlines_on_the_lanes(seed: int, category: str) -> None:
    """Locate's views run on the lanes where OpenCV has two threads, else one after the
    other: the same outlines in the same order."""
    pixels = decode_image(photo(seed, category).jpeg).pixels
    with opencv_threads(2):
        on_lanes = locate_cards(pixels).candidates
    with opencv_threads(1):
        in_turn = locate_cards(pixels).candidates
    assert len(on_lanes) >= 2  # an outline found, and the whole frame
    assert [(c.quad.tolist(), c.score) for c in on_lanes] == [
        (c.quad.tolist(), c.score) for c in in_turn
    ]
