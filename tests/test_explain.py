"""Why no card was read: a small blurred card is ImageBlur, a small sharp one IdCardTooSmall;
a card blurred past having an outline is ImageBlur, a soft photo of no card ImageNoIdCard.

All are synthetic photos: the small blurred card is 380 px wide, under the 500 px an outline
needs to count as a blurred card, and is told by its lines of print instead.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest

from idcard_ocr import Recognizer
from idcard_ocr.alarms.blur import blurred_photo, combined_width
from idcard_ocr.errors import IdCardTooSmall, ImageBlur, NoIdCard
from idcard_synth import effects
from idcard_synth.alarms import decode, make_alarm_sample_at
from idcard_synth.camera import Shot, photograph
from idcard_synth.identity import random_identity
from idcard_synth.photo import make_photo, make_photo_at
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


def soft_photo_of_no_card() -> bytes:
    """A picture upscaled about six times (photo seed 2028, #323): soft all over, no card."""
    photo = make_photo_at(2028, 323)
    assert photo.category == "no_card"
    return photo.jpeg


def test_a_card_blurred_past_its_outline_is_image_blur() -> None:
    """No outline is found (alarm seed 89, #89: defocused, on green); it was ImageNoIdCard
    while the photo's tiles measured just under the width the whole photo needed."""
    sample = make_alarm_sample_at(89, 89)
    assert blurred_photo(decode(sample))
    with pytest.raises(ImageBlur):
        recognizer()(sample.jpeg)


def test_a_soft_photo_of_no_card_is_no_card() -> None:
    """It was ImageBlur: its tiles are as soft, but nothing in it is shaped like a card."""
    with pytest.raises(NoIdCard):
        recognizer()(soft_photo_of_no_card())


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
