"""The server's recognition processes: same answers as in process, errors carried back."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from cards import flat_card, png
from idcard_ocr.errors import NoIdCard
from idcard_ocr.server import ProcessReader


@pytest.fixture(scope="module")
def reader() -> Iterator[ProcessReader]:
    pool = ProcessReader(processes=1, threads=1)
    pool.start()
    yield pool
    pool.close()


def test_loads_its_models_before_the_first_call(reader: ProcessReader) -> None:
    assert reader.ready()


def test_reads_a_card_in_a_worker_process(reader: ProcessReader) -> None:
    image, expected = flat_card(31, "BACK", 900)
    result = reader(image, card_side=None, crop_portrait=False, crop_id_card=True, thresholds={})
    assert result.tencent_fields()["Authority"] == expected["Authority"]
    assert result.tencent_fields()["ValidDate"] == expected["ValidDate"]
    assert result.card_jpeg.startswith(b"\xff\xd8")


def test_errors_come_back_as_raised(reader: ProcessReader) -> None:
    blank = png(np.full((400, 600, 3), 200, np.uint8))
    with pytest.raises(NoIdCard):
        reader(blank, card_side=None, crop_portrait=False, crop_id_card=False, thresholds=None)
