"""A card shown on a screen and photographed close: the display's pixel grid drowns the
card's outline and print, and the photo is read again with the grid blurred away."""

from __future__ import annotations

import cv2
import numpy as np

from idcard_ocr import Recognizer
from idcard_ocr.alarms.screen import shows_pixel_grid
from idcard_ocr.result import AlarmKind
from idcard_ocr.stages.locate import locate_cards
from idcard_synth.alarms import decode, make_alarm_sample_at
from idcard_synth.identity import tencent_fields


def test_a_card_in_the_strongest_moire_is_read_and_raises_the_screen_alarm() -> None:
    photo = make_alarm_sample_at(31, 144)  # an LCD's grid at its strongest: no card without
    assert (photo.kind, photo.variant, photo.strength) == ("screen", "lcd", 1.0)
    result = Recognizer()(photo.jpeg)
    expected = tencent_fields(photo.card.identity)
    assert result.tencent_fields()["IdNum"] == expected["IdNum"]
    assert result.tencent_fields()["Name"] == expected["Name"]
    assert -9103 in result.warn_codes
    # The alarms see the photo as taken, not the blurred copy it was read from.
    assert not next(a for a in result.alarms if a.kind is AlarmKind.BLURRY).raised


def test_the_grid_test_needs_a_grid() -> None:
    assert shows_pixel_grid(decode(make_alarm_sample_at(31, 144)))
    plain = cv2.GaussianBlur(
        np.random.default_rng(0).integers(0, 255, (600, 800, 3), np.uint8), (0, 0), 2
    )
    assert not shows_pixel_grid(np.asarray(plain, np.uint8))
    assert not shows_pixel_grid(np.full((100, 100, 3), 128, np.uint8))  # too small to tell


def test_a_screen_off_the_frames_middle_shows_its_grid_in_its_outline() -> None:
    """Seed 109 #134: a display on a table, left of the middle, the card read only with the
    grid blurred away; the photo's middle is the table."""
    photo = make_alarm_sample_at(109, 134)
    assert (photo.kind, photo.variant, photo.strength) == ("screen", "lcd", 0.6)
    pixels = decode(photo)
    outlines = [c.quad for c in locate_cards(pixels).candidates if not c.whole_frame]
    assert not shows_pixel_grid(pixels)
    assert shows_pixel_grid(pixels, outlines)
    result = Recognizer()(photo.jpeg)
    assert result.sides  # read, where without the grid test it was ImageNoIdCard
    assert -9103 in result.warn_codes
