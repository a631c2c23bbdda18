"""The shared measurements of alarms.evidence: the fast forms must give the plain ones' answers."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from idcard_ocr.alarms.evidence import (
    CardEvidence,
    level_percentiles,
    local_mean_std,
    locally_smooth,
)
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.result import CardSide

QS = (0, 2, 40, 50, 75, 98, 99, 99.5, 100)


@pytest.mark.parametrize("size", [1, 2, 3, 64, 1001])
@pytest.mark.parametrize(("dtype", "top"), [(np.uint8, 256), (np.uint16, 2041), (np.int16, 2041)])
def test_level_percentiles_are_numpys(size: int, dtype: type[np.integer], top: int) -> None:
    levels = np.random.default_rng(size).integers(0, top, size).astype(dtype)
    assert level_percentiles(levels, QS) == pytest.approx(np.percentile(levels, QS), abs=1e-9)


def test_level_percentiles_of_a_strided_view() -> None:
    levels = np.random.default_rng(0).integers(0, 256, (60, 90)).astype(np.uint8)
    view = levels[::2, ::3]
    assert level_percentiles(view, QS) == pytest.approx(np.percentile(view, QS), abs=1e-9)


@pytest.mark.parametrize("window", [5, 9, 41])
def test_local_mean_std_is_the_boxes(window: int) -> None:
    gray = np.random.default_rng(window).integers(0, 256, (120, 160)).astype(np.uint8)
    mean, std = local_mean_std(gray, window)
    expected_mean, expected_std = _box_mean_std(gray, window)
    assert np.abs(mean - expected_mean).max() < 1e-3
    assert np.abs(std - expected_std).max() < 1e-2


@pytest.mark.parametrize("window", [9, 41])
def test_locally_smooth_is_a_low_std(window: int) -> None:
    # Noise growing from left to right: smooth on one side of the card, rough on the other.
    rng = np.random.default_rng(window)
    gray = (100 + rng.standard_normal((120, 160)) * np.linspace(0, 30, 160)).astype(np.uint8)
    expected = local_mean_std(gray, window)[1] <= 10.0
    assert expected.any() and not expected.all()
    assert np.array_equal(locally_smooth(gray, window, 10.0), expected)


def test_local_mean_std_of_flat_ground_is_zero() -> None:
    _, std = local_mean_std(np.full((50, 50), 233, np.uint8), 9)
    assert not np.isnan(std).any() and std.max() < 1e-2


def test_a_card_inside_the_frame_is_all_in_the_photo() -> None:
    assert _in_photo(x_shift=100).all()


def test_a_card_cut_by_the_frame_is_not() -> None:
    inside = _in_photo(x_shift=-200)  # the card's left part lies left of the frame
    assert not inside[:, :50].any() and inside[:, -50:].all()


def _in_photo(x_shift: int) -> npt.NDArray[np.bool_]:
    photo = np.full((CARD_HEIGHT + 200, CARD_WIDTH + 200, 3), 128, np.uint8)
    card = np.full((CARD_HEIGHT, CARD_WIDTH, 3), 230, np.uint8)
    x0, y0, x1, y1 = x_shift, 100, x_shift + CARD_WIDTH, 100 + CARD_HEIGHT
    quad = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return CardEvidence(photo=photo, card=card, quad=quad, side=CardSide.FRONT).in_photo


def _box_mean_std(
    gray: npt.NDArray[np.uint8], window: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean and standard deviation of each pixel's window, in float64, with OpenCV's
    default border (reflected about the edge pixel)."""
    half = window // 2
    padded = np.pad(gray.astype(np.float64), half, mode="reflect")
    views = np.lib.stride_tricks.sliding_window_view(padded, (window, window))
    return views.mean(axis=(2, 3)), views.std(axis=(2, 3))
