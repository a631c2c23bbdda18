"""Photos of cards (rotated, tilted, two at once, tiny, none) through the real server."""

from __future__ import annotations

import base64

import cv2
import numpy as np
import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
    TencentCloudSDKException,
)
from tencentcloud.ocr.v20181119 import ocr_client

from cards import expected_fields, photo, posed_photo, sdk_call, shown
from idcard_ocr import Recognizer
from idcard_ocr.engine import DetectedBox
from idcard_ocr.geometry import order_quad, quad_area, quad_iou
from idcard_ocr.stages.decode import decode_image
from idcard_ocr.stages.locate import locate_cards
from idcard_ocr.stages.locate_text import FINE_DETECT_SIDE
from idcard_synth.photo import FAR


@pytest.mark.parametrize(
    ("seed", "side", "angle"),
    [
        (31, "FRONT", 0),
        (32, "BACK", 90),
        (33, "FRONT", 180),
        (34, "FRONT", 270),
        (35, "BACK", 37),
        (36, "FRONT", 143),
        (37, "FRONT", 211),
        (38, "BACK", 322),
    ],
)
def test_any_rotation(sdk: ocr_client.OcrClient, seed: int, side: str, angle: float) -> None:
    posed = posed_photo(seed, side, angle)
    assert shown(sdk_call(sdk, posed.jpeg)) == posed.expected


def test_perspective_tilt(sdk: ocr_client.OcrClient) -> None:
    posed = posed_photo(39, "FRONT", 12, tilt=(25.0, -15.0))
    assert shown(sdk_call(sdk, posed.jpeg)) == posed.expected


def test_both_sides_fill_all_eight_fields(sdk: ocr_client.OcrClient) -> None:
    sample = photo(40, "two_sided")
    assert shown(sdk_call(sdk, sample.jpeg)) == expected_fields(sample)


@pytest.mark.parametrize(
    ("category", "code"),
    [
        ("multi_card", "FailedOperation.MultiCardError"),
        ("tiny", "FailedOperation.IdCardTooSmall"),
        ("no_card", "FailedOperation.ImageNoIdCard"),
    ],
)
def test_error_scenes(sdk: ocr_client.OcrClient, category: str, code: str) -> None:
    sample = photo(42, category)
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk_call(sdk, sample.jpeg)
    assert caught.value.get_code() == code


def decode(b64_jpeg: object) -> np.ndarray:
    data = base64.b64decode(str(b64_jpeg))
    assert data[:3] == b"\xff\xd8\xff"
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def test_crops_have_card_and_portrait_aspects(sdk: ocr_client.OcrClient) -> None:
    posed = posed_photo(42, "FRONT", 200, tilt=(10.0, 10.0))
    response = sdk_call(sdk, posed.jpeg, CropIdCard=True, CropPortrait=True)
    card, portrait = decode(response["IdCardImage"]), decode(response["PortraitImage"])
    assert card.shape[1] / card.shape[0] == pytest.approx(85.6 / 54, rel=0.02)
    assert portrait.shape[1] / portrait.shape[0] == pytest.approx(0.75, rel=0.05)


def test_crop_follows_card_side_when_both_shown(sdk: ocr_client.OcrClient) -> None:
    sample = photo(43, "two_sided")
    front = decode(sdk_call(sdk, sample.jpeg, CropIdCard=True)["IdCardImage"])
    back = decode(sdk_call(sdk, sample.jpeg, CropIdCard=True, CardSide="BACK")["IdCardImage"])
    # The back carries the red national emblem at its top left; the front does not.
    assert _red_share(back[:300, :300]) > 5 * _red_share(front[:300, :300])


def _red_share(patch: np.ndarray) -> float:
    hsv = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV)
    red = ((hsv[:, :, 0] < 10) | (hsv[:, :, 0] > 170)) & (hsv[:, :, 1] > 100)
    return float(red.mean()) + 1e-6


@pytest.mark.parametrize(("seed", "angle"), [(44, 0), (45, 95), (46, 250)])
def test_portrait_crop_covers_the_printed_portrait(
    recognizer: Recognizer, seed: int, angle: float
) -> None:
    posed = posed_photo(seed, "FRONT", angle)
    result = recognizer(posed.jpeg, crop_portrait=True)
    assert posed.portrait_quad is not None
    found = order_quad(np.array(result.portrait_polygon, dtype=np.float32))
    assert quad_iou(found, order_quad(posed.portrait_quad)) > 0.7
    card = order_quad(np.array(result.card_polygons[0], dtype=np.float32))
    assert quad_iou(card, order_quad(posed.quad)) > 0.9


def test_both_sides_check_validity_against_age(recognizer: Recognizer) -> None:
    result = recognizer(photo(40, "two_sided").jpeg)
    checks = {c.name: c.passed for c in result.checks}
    assert checks["validity_term_fits_age"] is True
    assert all(checks.values())


def test_timings_hold_each_stage_and_the_whole_call(recognizer: Recognizer) -> None:
    """The stages are timed for the cards chosen; `total` is the whole call, and holds them."""
    timings = dict(recognizer(photo(41, "two_sided").jpeg).timings_ms)
    total = timings.pop("total")
    assert {"decode", "locate", "orient", "read", "parse", "validate", "warn"} <= set(timings)
    assert 0 < sum(timings.values()) <= total


def test_a_card_far_off_is_read_by_its_print_near_what_coarser_scales_saw(
    recognizer: Recognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card 415 px wide in a 3,529 px photo on gravel: no view outlines it, and it reads
    only at the finest scale, which looks only around the print seen at 640 and 1,280 px
    instead of over the whole frame (1.5 s of CPU more)."""
    sample = photo(5 * 7919 + 24, FAR)
    detected_sides: list[int] = []
    detect = recognizer.engine.detect

    def spy(image: np.ndarray, max_side: int) -> list[DetectedBox]:
        detected_sides.append(max(image.shape[:2]))
        return detect(image, max_side)

    monkeypatch.setattr(recognizer.engine, "detect", spy)
    fields = recognizer(sample.jpeg).tencent_fields()
    expected = expected_fields(sample)
    assert {key: fields[key] for key in expected} == expected
    assert FINE_DETECT_SIDE not in detected_sides


def test_front_and_back_laid_close_are_read_from_their_own_outlines(
    recognizer: Recognizer,
) -> None:
    """One view of this photo merges the two cards into one blob, which outscored both;
    read as one card its print runs across it, and finding the cards by their text took
    a second more."""
    sample = photo(183, "two_sided")
    outlines = locate_cards(decode_image(sample.jpeg).pixels).candidates
    card_area = quad_area(sample.cards[0].quad)
    assert [round(quad_area(c.quad) / card_area, 1) for c in outlines[:2]] == [1.0, 1.0]
    result = recognizer(sample.jpeg)
    assert result.tencent_fields() == expected_fields(sample)
