"""Pure geometry, table-driven."""

from __future__ import annotations

import numpy as np
import pytest

from idcard_ocr import geometry


@pytest.mark.parametrize(
    ("point_a", "direction_a", "point_b", "direction_b", "expected"),
    [
        ((0, 0), (1, 0), (5, -3), (0, 2), (5.0, 0.0)),
        ((0, 0), (1, 1), (0, 4), (1, -1), (2.0, 2.0)),
        ((0, 0), (1, 0), (0, 1), (3, 0), None),  # parallel
    ],
)
def test_line_intersection(
    point_a: tuple[float, float],
    direction_a: tuple[float, float],
    point_b: tuple[float, float],
    direction_b: tuple[float, float],
    expected: tuple[float, float] | None,
) -> None:
    got = geometry.line_intersection(point_a, direction_a, point_b, direction_b)
    assert got == (pytest.approx(expected) if expected else None)


def test_unwarp_undoes_warp() -> None:
    quad = np.array([[10, 20], [310, 40], [300, 230], [5, 200]], dtype=np.float32)
    corners = [[0, 0], [100, 0], [100, 60], [0, 60]]
    back = geometry.map_points(corners, geometry.unwarp_matrix(quad, 100, 60))
    assert np.allclose(back, quad, atol=1e-3)


@pytest.mark.parametrize(
    ("points", "first"),
    [([[5, 5], [0, 0], [5, 0], [0, 5]], [0, 0]), ([[9, 1], [1, 1], [9, 8], [1, 8]], [1, 1])],
)
def test_order_quad_starts_top_left(points: list[list[int]], first: list[int]) -> None:
    assert geometry.order_quad(points)[0].tolist() == first


@pytest.mark.parametrize(
    ("points", "slack", "inside"),
    [
        ([[0, 0], [99, 49]], 0.0, True),
        ([[0, 0], [100, 49]], 0.0, False),
        ([[-1, 10], [50, 10]], 0.0, False),
        ([[-1, 10], [101, 10]], 2.0, True),
    ],
)
def test_within_frame(points: list[list[int]], slack: float, inside: bool) -> None:
    assert geometry.within_frame(points, 100, 50, slack) is inside


@pytest.mark.parametrize(
    ("width", "height", "shaped"),
    [
        (1024, 646, True),
        (646, 1024, True),
        (1100, 700, True),
        (1200, 800, False),
        (4000, 3000, False),
    ],
)
def test_card_shaped_frames_are_scans_not_camera_photos(
    width: int, height: int, shaped: bool
) -> None:
    assert geometry.card_shaped(width, height) is shaped


@pytest.mark.parametrize(
    ("first", "second", "band"),
    [
        # Side by side 100 apart over x 50..300 (the first's own span bounds the strip).
        ((0, 0, 300, 0), (50, 100, 400, 100), [[50, 0], [300, 0], [300, 100], [50, 100]]),
        ((0, 0, 300, 0), (400, 100, 50, 100), [[50, 0], [300, 0], [300, 100], [50, 100]]),
        ((0, 0, 300, 0), (0, 30, 300, 30), None),  # closer than the least gap
        ((0, 0, 300, 0), (0, 100, 300, 160), None),  # not parallel: 11 degrees apart
        ((0, 0, 300, 0), (250, 100, 600, 100), None),  # side by side over 50 of 300
    ],
)
def test_band_between_parallel_segments(
    first: tuple[int, ...], second: tuple[int, ...], band: list[list[int]] | None
) -> None:
    found = geometry.band_between(first, second, 3.0, (40.0, 170.0))
    if band is None:
        assert found is None
    else:
        assert found is not None
        assert np.allclose(found, band, atol=1e-4)


@pytest.mark.parametrize(
    ("segment", "degrees"),
    [((0, 0, 100, 0), 0.0), ((0, 0, 0, -50), 0.0), ((0, 0, 100, 100), 45.0),
     ((10, 10, 110, 1.25), 5.0), ((0, 0, -100, 36.4), 20.0)],
)  # fmt: skip
def test_off_axis_degrees(segment: tuple[float, ...], degrees: float) -> None:
    assert geometry.off_axis_degrees(segment) == pytest.approx(degrees, abs=0.01)
