"""Why no card was read: a small blurred card is ImageBlur, a small sharp one IdCardTooSmall.

Both are synthetic photos: the blurred card is 380 px wide, under the 500 px an outline needs
to count as a blurred card, and is told by its lines of print instead.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest

from idcard_ocr import Recognizer
from idcard_ocr.alarms.blur import combined_width
from idcard_ocr.errors import IdCardTooSmall, ImageBlur
from idcard_synth import effects
from idcard_synth.camera import Shot, photograph
from idcard_synth.identity import random_identity
from idcard_synth.photo import make_photo
from idcard_synth.render import render_card


@cache
def recognizer() -> Recognizer:
    return Recognizer()


def small_blurred_card(seed: int, width: float) -> bytes:
    """A front photographed `width` px wide, motion-blurred over about a text height."""
    rng = random.Random(seed)
    identity = random_identity(rng)
    card = render_card(identity, "FRONT", rng)

    def kernel(text_px: float) -> np.ndarray:
        return effects.blur_kernel(rng, "motion", 0.6, text_px)

    jpeg, _, _ = photograph(rng, card, identity, Shot("upright", width=width, kernel=kernel))
    return jpeg


def test_a_small_blurred_card_is_image_blur() -> None:
    """It was IdCardTooSmall: the outline found was a part of the card, under 250 px."""
    with pytest.raises(ImageBlur):
        recognizer()(small_blurred_card(0, 380))


def test_a_tiny_sharp_card_is_still_too_small() -> None:
    photo = make_photo(random.Random(0), "tiny")
    with pytest.raises(IdCardTooSmall):
        recognizer()(photo.jpeg)


@pytest.mark.parametrize(
    ("in_photo", "on_card", "expected"),
    [
        (13.7, 6.3, 6.3),  # a big soft card: its many pixels make it no blurrier
        (3.6, 8.6, 5.56),  # a small sharp card: its print is few pixels, the card's too
    ],
)
def test_the_combined_width_never_grows_with_the_photo(
    in_photo: float, on_card: float, expected: float
) -> None:
    assert combined_width(in_photo, on_card) == pytest.approx(expected, abs=0.01)
