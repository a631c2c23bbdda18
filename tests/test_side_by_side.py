"""What runs side by side in process (`lanes`) reads as it would one piece after the other."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pytest

from cards import flat_card
from idcard_ocr import geometry
from idcard_ocr.engine import RapidOcrEngine
from idcard_ocr.line_batches import read_lines
from idcard_ocr.stages.decode import decode_image


class _RecordingRecogniser:
    """RapidOCR's recogniser stage as `read_lines` calls it, reading each crop as its width
    ratio and noting the threads its session ran on."""

    def __init__(self) -> None:
        self.threads: set[str] = set()

    def resize_norm_img(self, crop: np.ndarray, ratio: float) -> np.ndarray:
        return np.zeros((3, 48, round(48 * ratio)), np.float32)

    def session(self, batch: np.ndarray) -> np.ndarray:
        self.threads.add(threading.current_thread().name)
        return batch

    def postprocess_op(
        self, preds: np.ndarray, _: bool, wh_ratio_list: Sequence[float], max_wh_ratio: float
    ) -> tuple[list[tuple[str, float]], None]:
        return [(f"{ratio:.2f}", 1.0) for ratio in wh_ratio_list], None


@pytest.mark.parametrize("side_by_side", [False, True])
def test_each_crop_gets_its_own_reading_in_order(side_by_side: bool) -> None:
    widths = [480, 90, 300, 455, 150, 210, 470, 95, 320]
    crops = [np.zeros((48, width, 3), np.uint8) for width in widths]
    recogniser = _RecordingRecogniser()
    readings = read_lines(recogniser, crops, side_by_side)
    assert [text for text, _ in readings] == [f"{width / 48:.2f}" for width in widths]
    lanes_used = {name.startswith("lanes-") for name in recogniser.threads}
    assert lanes_used == {side_by_side}


def test_a_card_reads_the_same_on_two_lanes_as_on_one_thread() -> None:
    image, _ = flat_card(7, "FRONT")
    card = decode_image(image).pixels
    one, two = RapidOcrEngine(threads=1), RapidOcrEngine(threads=2)
    boxes = one.detect(card, 960)
    crops = [geometry.crop_quad(card, geometry.order_quad(box.quad)) for box in boxes]
    assert len(crops) >= 7
    assert two.recognize(crops) == one.recognize(crops)
