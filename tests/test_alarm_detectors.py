"""The alarm detectors, one by one.

Image detectors run on real synthetic photos through the real recognizer: a clear case of
each alarm raises its code with the place it found, a clean photo raises nothing. The
measured precision and recall over a whole labelled set come from bench/alarms.py, not
from here. The text-only detectors run on a hand-built evidence.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest

from idcard_ocr import Recognizer
from idcard_ocr.alarms.document import invalid_validity, temporary_card
from idcard_ocr.alarms.evidence import CardEvidence
from idcard_ocr.errors import ImageBlur
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import Alarm, AlarmKind, CardSide, Check, IdCardResult
from idcard_synth.alarms import AlarmSample, make_alarm_sample


@cache
def recognizer() -> Recognizer:
    return Recognizer()


def sample(kind: str, variant: str, seed: int, strength: float = 1.0) -> AlarmSample:
    return make_alarm_sample(random.Random(seed), kind, strength, variant)


def alarm(result: IdCardResult, kind: AlarmKind) -> Alarm:
    return next(a for a in result.alarms if a.kind is kind)


@pytest.mark.parametrize(
    ("kind", "variant", "seed", "code"),
    [
        ("border", "side", 1, -9101),
        ("border", "corner", 2, -9101),
        ("photocopy", "gray", 3, -9102),
        ("photocopy", "colour", 4, -9102),
        ("screen", "lcd", 5, -9103),
        ("screen", "oled", 6, -9103),
        ("occlusion", "over_text", 7, -9105),
        ("occlusion", "over_portrait", 8, -9105),
        ("glare", "on_card", 9, -9107),
        ("ps", "contradiction", 10, -9104),
    ],
)
def test_a_clear_case_raises_its_code(kind: str, variant: str, seed: int, code: int) -> None:
    photo = sample(kind, variant, seed)
    assert code in photo.labels
    result = recognizer()(photo.jpeg)
    assert code in result.warn_codes


@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_a_clean_photo_raises_nothing(seed: int) -> None:
    variant = ("upright", "perspective", "rotated", "large")[seed % 4]
    result = recognizer()(sample("clean", variant, seed, 0.0).jpeg)
    assert not result.warn_codes
    assert all(not a.raised for a in result.alarms)


@pytest.mark.parametrize(
    ("kind", "variant", "seed"), [("glare", "on_card", 31), ("occlusion", "over_text", 32)]
)
def test_blobs_come_with_their_place(kind: str, variant: str, seed: int) -> None:
    """A highlight or an occluder is reported where it lies in the photo and over what."""
    photo = sample(kind, variant, seed)
    found = alarm(
        recognizer()(photo.jpeg), {"glare": AlarmKind.REFLECTIVE}.get(kind, AlarmKind.OCCLUSION)
    )
    assert found.raised and found.regions
    quad = np.asarray(photo.card.quad, np.float32)
    for region in found.regions:
        centre = np.mean(region, axis=0)
        assert quad.min(axis=0)[0] - 5 <= centre[0] <= quad.max(axis=0)[0] + 5
        assert quad.min(axis=0)[1] - 5 <= centre[1] <= quad.max(axis=0)[1] + 5
    assert found.fields  # it covers a field, the portrait or the emblem


def test_a_card_too_blurred_to_read_is_image_blur() -> None:
    with pytest.raises(ImageBlur):
        recognizer()(sample("blur", "defocus", 41).jpeg)


def test_a_blurred_card_still_read_is_blurry() -> None:
    result = recognizer()(sample("blur", "motion", 42, 0.3).jpeg)
    assert -9108 in result.warn_codes


def blank_evidence(
    side: CardSide = CardSide.BACK,
    *,
    lines: tuple[str, ...] = (),
    checks: tuple[Check, ...] = (),
    confidences: dict[str, float] | None = None,
) -> CardEvidence:
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 230, np.uint8)
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    return CardEvidence(
        photo=card,
        card=card,
        quad=quad.astype(np.float32),
        side=side,
        field_confidences=confidences or {},
        checks=checks,
        lines=lines,
    )


def test_a_temporary_card_is_told_by_its_title() -> None:
    assert temporary_card(blank_evidence(lines=("中华人民共和国", "临时居民身份证"))).score == 1.0
    assert temporary_card(blank_evidence(lines=("中华人民共和国", "居民身份证"))).score == 0.0


@pytest.mark.parametrize(("confidence", "expected"), [(0.98, 1.0), (0.6, 0.0)])
def test_an_invalid_validity_needs_a_clearly_read_date(confidence: float, expected: float) -> None:
    """A smudged or covered date misreads into an impossible one: that is no alarm."""
    evidence = blank_evidence(
        checks=(Check("validity_term", False, "12 years"),),
        confidences={"valid_date": confidence},
    )
    finding = invalid_validity(evidence)
    assert finding.score == expected
    assert finding.fields == (("valid_date",) if expected else ())
